"""store/published.py (the version in force, as a context) and versions.Review.unchanged."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest

from fieldoffice.core.errors import InvalidInput, NotFound
from fieldoffice.editing.diff import DirectoryDiff
from fieldoffice.store.database import Database
from fieldoffice.store.drafts import Draft
from fieldoffice.store.published import version_context, version_in_force
from fieldoffice.store.versions import Review


def _empty_store(tmp_path: Path) -> Database:
    db = Database(f"sqlite:///{tmp_path / 'store.db'}")
    db.migrate()
    return db


def test_an_empty_store_says_it_holds_no_version_with_the_doors_hint(tmp_path: Path) -> None:
    db = _empty_store(tmp_path)
    try:
        with pytest.raises(InvalidInput) as plain:
            version_in_force(db)
        assert str(plain.value) == f"the database {db.shown} holds no published version"
        with pytest.raises(InvalidInput) as hinted:
            version_in_force(db, hint="run `fieldoffice db import FILE --publish`")
        assert hinted.value.hint == "run `fieldoffice db import FILE --publish`"
        with pytest.raises(NotFound, match="no version of the directory was in force"):
            version_in_force(db, dt.date(2020, 1, 1))
    finally:
        db.close()


def test_a_version_becomes_a_context_through_one_shared_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from fieldoffice.directory.file import default_path

    monkeypatch.setenv("FIELDOFFICE_CACHE", str(tmp_path / "cache"))
    toml = default_path().read_text(encoding="utf-8")
    ctx = version_context(toml)
    written = list((tmp_path / "cache" / "published").glob("*.toml"))
    assert [p.read_text(encoding="utf-8") for p in written] == [toml]
    assert ctx.directory.path == str(written[0])
    assert version_context(toml).directory.path == str(written[0])  # the same file, not again
    assert not list((tmp_path / "cache" / "published").glob(".*.tmp"))


def _review(changes: dict[str, object]) -> Review:
    draft = Draft(revision=1, toml="", updated_at="", updated_by="")
    return Review(draft, 1, [], [], changes)


# every kind of change DirectoryDiff counts (its labels and the total are not changes)
KINDS = [f.name for f in dataclasses.fields(DirectoryDiff)
         if f.name not in ("old", "new", "counties_moved_total")]  # fmt: skip


def test_nothing_changed_when_every_kind_is_empty() -> None:
    assert _review({k: [] for k in KINDS} | {"fields": [], "names": {"a": "A"}}).unchanged
    assert _review({}).unchanged


@pytest.mark.parametrize("kind", KINDS)
def test_any_kind_of_change_the_diff_counts_is_a_change(kind: str) -> None:
    diff = DirectoryDiff({}, {}, **{kind: [{"id": "x"}]})
    assert not diff.empty
    assert not _review({kind: [{"id": "x"}]}).unchanged


def test_an_edited_field_alone_is_a_change() -> None:
    assert not _review({"fields": [{"path": "directory.title"}]}).unchanged
