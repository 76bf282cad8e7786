"""core/files.py: a file is written whole or not at all, whatever stops the writer."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from fieldoffice.core.errors import InvalidInput
from fieldoffice.core.files import (
    Interrupted,
    interrupted_by,
    signals_interrupt,
    temp_path,
    write_atomically,
    write_whole,
)


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def test_a_write_replaces_the_file_whole(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    target.write_text("old")
    write_atomically(target, "néw")
    assert target.read_text(encoding="utf-8") == "néw"
    write_whole(target, [b"a", b"b", b"c"])
    assert target.read_bytes() == b"abc"
    assert _leftovers(tmp_path) == []


def test_a_failure_mid_write_keeps_the_old_file_and_no_temp(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    target.write_text("old")

    def pieces() -> Iterator[bytes]:
        yield b"half of the new"
        raise OSError(28, "No space left on device")

    with pytest.raises(InvalidInput, match=r"cannot write .*No space left on device"):
        write_atomically(target, pieces())
    assert target.read_text() == "old"
    assert _leftovers(tmp_path) == []


@pytest.mark.skipif(not hasattr(signal, "SIGHUP"), reason="POSIX signals")
def test_a_signal_mid_write_keeps_the_old_file_and_no_temp(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    target.write_text("old")

    def pieces() -> Iterator[bytes]:
        yield b"half of the new"
        os.kill(os.getpid(), signal.SIGTERM)  # the handler raises Interrupted right here
        yield b"never written"

    with pytest.raises(Interrupted) as caught, signals_interrupt():
        write_atomically(target, pieces())
    assert caught.value.signum == signal.SIGTERM
    assert target.read_text() == "old"
    assert _leftovers(tmp_path) == []
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL  # the guard is gone after the block


def test_a_folder_or_a_missing_folder_is_refused_before_writing(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="is a folder"):
        write_atomically(tmp_path, "x", hint="give a file name, e.g. -o out.csv")
    with pytest.raises(InvalidInput, match="does not exist"):
        write_atomically(tmp_path / "no" / "out.txt", "x")
    assert list(tmp_path.iterdir()) == []


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_a_dead_writers_temp_is_removed_a_live_ones_kept(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    dead = _dead_pid()
    stale = [tmp_path / f".out.txt.{dead}.tmp", tmp_path / f".out.txt.{dead}.0badc0de.tmp"]
    alive = tmp_path / f".out.txt.{os.getppid()}.0badc0de.tmp"  # our parent is running
    other = tmp_path / f".other.txt.{dead}.tmp"  # another file's temp: not ours to judge
    for p in [*stale, alive, other]:
        p.write_text("left by a writer")
    write_atomically(target, "new")
    assert target.read_text() == "new"
    assert _leftovers(tmp_path) == sorted([alive.name, other.name])


def test_a_temp_is_named_for_this_process_beside_its_target(tmp_path: Path) -> None:
    tmp = temp_path(tmp_path / "out.txt")
    assert tmp.parent == tmp_path and tmp.name.startswith(f".out.txt.{os.getpid()}.")


def test_interrupted_by_finds_a_wrapped_interrupted() -> None:
    try:
        try:
            raise Interrupted(signal.SIGHUP)
        except Interrupted as inner:
            raise TypeError("_value_ not set in __new__") from inner  # an import wraps it
    except TypeError as wrapped:
        assert interrupted_by(wrapped) == signal.SIGHUP
    try:
        try:
            raise Interrupted(signal.SIGTERM)
        except Interrupted:
            raise ValueError("raised while handling it") from None  # only the context holds it
    except ValueError as implicit:
        assert implicit.__context__ is not None
        assert interrupted_by(implicit) == signal.SIGTERM


def test_interrupted_by_is_none_for_other_errors_even_of_the_same_name() -> None:
    class Interrupted(Exception):  # the name the old string comparison matched
        pass

    assert interrupted_by(TypeError("a real bug")) is None
    assert interrupted_by(Interrupted(15)) is None
