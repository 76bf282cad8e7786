"""Ingest writes through core.files and stops on core.files' Interrupted: one atomic write, one
Interrupted (the command line recognises it by its class)."""

from __future__ import annotations

import os
import signal
import time
import tomllib
from pathlib import Path

import pytest

from fieldoffice.core import files
from fieldoffice.core.errors import InvalidInput
from fieldoffice.directory.context import Context
from fieldoffice.editing import ingest
from fieldoffice.editing.ingest import write_directory_file

RAW = {"schema": "fieldoffice-directory/1", "directory": {"title": "T"}, "office": []}


def test_the_interrupted_is_core_files() -> None:
    assert ingest.Interrupted is files.Interrupted


def test_the_file_is_written_whole_with_its_first_line(tmp_path: Path) -> None:
    target = tmp_path / "dir.toml"
    target.write_text("old")
    (tmp_path / ".dir.toml.999999999.tmp").write_text("left by a killed run")
    write_directory_file(RAW, target)
    text = target.read_text()
    assert text.startswith("# Written by `fieldoffice ingest --commit`.\n")
    assert tomllib.loads(text) == RAW
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dir.toml"]


def test_a_target_that_is_no_file_is_refused_with_the_directory_hint(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="is a folder") as info:
        write_directory_file(RAW, tmp_path)
    assert info.value.hint == "give the directory file's path"
    with pytest.raises(InvalidInput, match="does not exist"):
        write_directory_file(RAW, tmp_path / "missing" / "dir.toml")


def test_sigterm_while_ingesting_is_core_files_interrupted(
    ctx: Context, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SIGTERM during ingest_page raises core.files.Interrupted, and the handler is put back."""

    def reading(work: object) -> None:
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(10)
        raise AssertionError("SIGTERM did not stop the reading")

    before = signal.getsignal(signal.SIGTERM)
    monkeypatch.setattr(ingest, "_run_limited", reading)
    with pytest.raises(files.Interrupted) as info:
        ingest.ingest_page(ctx, b"", source=Path("page.html"), target=None, commit=False)
    assert info.value.signum == signal.SIGTERM
    assert signal.getsignal(signal.SIGTERM) == before
