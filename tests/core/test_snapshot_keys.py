"""Snapshot keys follow the code that builds them: editing any builder module, wherever it lives
now, means a new key (and so a rebuild), and editing any other module does not."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from fieldoffice.core import snapshot
from fieldoffice.directory import context

# What builds each snapshot a context is made of, written out here (not read from the lists the
# keys use), so a builder left out of a key fails below.
BUILDERS = {
    "geo": ["fieldoffice.geo.gazetteer", "fieldoffice.geo.boundaries", "fieldoffice.geo.names",
            "fieldoffice.core.text", "fieldoffice.core.snapshot"],
    "regions": ["fieldoffice.directory.phrase_regions", "fieldoffice.geo.names",
                "fieldoffice.core.models", "fieldoffice.directory.context"],
    "context": ["fieldoffice.directory.file", "fieldoffice.directory.territory",
                "fieldoffice.core.models", "fieldoffice.directory.context"],
}  # fmt: skip
BUILDER_MODULES = sorted({m for ms in BUILDERS.values() for m in ms})


class Rebuilt(Exception):
    """A snapshot was asked for under a key the warm cache does not hold."""


@pytest.fixture(scope="module")
def warm(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, set[tuple[str, str]]]]:
    """A cache folder holding a context's snapshots, and the (kind, key) pairs asked for."""
    root = tmp_path_factory.mktemp("cache")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(snapshot.CACHE_ENV, str(root))
        asked: set[tuple[str, str]] = set()
        get = snapshot.Store.get

        def spy(self: snapshot.Store, kind: str, key: str) -> Any:
            asked.add((kind, key))
            return get(self, kind, key)

        mp.setattr(snapshot.Store, "get", spy)
        context.clear_caches()
        context.load_context(None)
    context.clear_caches()
    yield root, asked
    context.clear_caches()


def _load_after_editing(
    monkeypatch: pytest.MonkeyPatch, root: Path, known: set[tuple[str, str]], module: str
) -> str | None:
    """Load the shipped context again as if `module`'s source had been edited (its size and time
    changed): the kind of the first snapshot whose key is new, or None if every key was known."""
    edited = snapshot.module_file(module)
    stamp = snapshot.stamp

    def edited_stamp(path: Path) -> list[object]:
        found = stamp(path)
        return [found[0], -1, -1] if Path(path) == edited else found

    get = snapshot.Store.get

    def only_known(self: snapshot.Store, kind: str, key: str) -> Any:
        if kind in BUILDERS and (kind, key) not in known:
            raise Rebuilt(kind)
        return get(self, kind, key)

    monkeypatch.setenv(snapshot.CACHE_ENV, str(root))
    monkeypatch.setattr(snapshot, "stamp", edited_stamp)
    monkeypatch.setattr(snapshot.Store, "get", only_known)
    context.clear_caches()
    try:
        context.load_context(None)
    except Rebuilt as exc:
        return str(exc)
    finally:
        context.clear_caches()
    return None


@pytest.mark.parametrize("module", BUILDER_MODULES)
def test_editing_a_builder_module_changes_a_snapshot_key(
    module: str, warm: tuple[Path, set[tuple[str, str]]], monkeypatch: pytest.MonkeyPatch
) -> None:
    root, known = warm
    kinds = [k for k, ms in BUILDERS.items() if module in ms]
    # the first snapshot loaded among those it builds is asked for under a new key
    first = next(k for k in BUILDERS if k in kinds)
    assert _load_after_editing(monkeypatch, root, known, module) == first


@pytest.mark.parametrize("module", ["fieldoffice.verify", "fieldoffice.lookup.render"])
def test_editing_another_module_keeps_every_key(
    module: str, warm: tuple[Path, set[tuple[str, str]]], monkeypatch: pytest.MonkeyPatch
) -> None:
    root, known = warm
    assert _load_after_editing(monkeypatch, root, known, module) is None


def test_a_moved_module_is_an_error_not_a_missing_stamp() -> None:
    with pytest.raises(snapshot.SnapshotError, match="moved module"):
        snapshot.code_stamp(["fieldoffice.no_such_module"])
