"""Every command, given hostile input, ends within seconds with exit 0, 1 or 2 and never a traceback:
empty and 10,000-character arguments, files with NUL or latin-1 bytes, /dev/zero, a FIFO, a folder
where a file belongs, a symlink loop, deeply nested files."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

LONG = "x" * 10_000
BAD_FILES = ("/dev/zero", "fifo", "folder", "loop", "latin1", "nul", "deep", "deep.json")


@pytest.fixture(scope="module")
def bad(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder of hostile files, named as in BAD_FILES."""
    root = tmp_path_factory.mktemp("hostile")
    os.mkfifo(root / "fifo")
    (root / "folder").mkdir()
    (root / "loop").symlink_to(root / "loop")
    (root / "latin1").write_bytes(b'[directory]\ntitle = "Bur\xe9au"\nq = "S\xe3o Paulo, CA"\n')
    (root / "nul").write_bytes(b'[directory]\x00\ntitle = "a\x00b"\n\x00\x00')
    (root / "deep").write_text("a = " + "[" * 100_000 + "]" * 100_000 + "\n")
    (root / "deep.json").write_text("[" * 100_000 + "]" * 100_000)
    return root


def where(bad: Path, name: str) -> str:
    return name if name.startswith("/") else str(bad / name)


def run(args: list[str], tmp: Path, timeout: float = 60) -> None:
    env = {k: v for k, v in os.environ.items() if k != "FIELDOFFICE_DIRECTORY"}
    result = subprocess.run(
        [sys.executable, "-m", "fieldoffice.cli", *args],
        capture_output=True,
        text=True,
        errors="replace",
        timeout=timeout,
        cwd=tmp,
        env=env,
        stdin=subprocess.DEVNULL,
    )
    out = result.stdout + result.stderr
    assert "Traceback" not in out, f"{args[:4]}: {out[-2000:]}"
    assert result.returncode in (0, 1, 2), f"{args[:4]} exit {result.returncode}: {out[-2000:]}"
    if result.returncode == 2 and "--directory" in args:
        assert result.stderr.strip(), "an error says what was wrong"


# each command once with a placeholder where a hostile --directory goes
WITH_DIRECTORY = {
    "locate": ["locate", "Louisville, KY"],
    "lint": ["lint"],
    "export": ["export", "--format", "csv", "--output", "out.csv"],
    "offices": ["offices"],
    "office": ["office", "louisville"],
    "assign": ["assign", "in.csv", "--output", "out.csv"],
    "ingest": ["ingest", "page.txt"],
    "resolve": ["resolve", "Kentucky"],
    "verify": ["verify", "(202) 732-4646"],
    "serve": ["serve", "--port", "1"],  # never reached: the directory fails first
}


@pytest.mark.parametrize("name", [*BAD_FILES, "", LONG])
@pytest.mark.parametrize("command", sorted(WITH_DIRECTORY))
def test_a_hostile_directory(bad: Path, tmp_path: Path, command: str, name: str) -> None:
    (tmp_path / "in.csv").write_text("address\nLouisville, KY\n")
    (tmp_path / "page.txt").write_text("nothing here\n")
    target = where(bad, name) if name and name != LONG else name
    run([*WITH_DIRECTORY[command], "--directory", target], tmp_path)


@pytest.mark.parametrize("name", BAD_FILES)
@pytest.mark.parametrize(
    "args",
    [
        ["diff", "{f}", "{f}"],
        ["ingest", "{f}"],
        ["assign", "{f}", "--output", "out.csv"],
        ["lint", "--directory", "{f}"],
    ],
    ids=["diff", "ingest", "assign", "lint"],
)
def test_a_hostile_file_argument(bad: Path, tmp_path: Path, args: list[str], name: str) -> None:
    run([a.replace("{f}", where(bad, name)) for a in args], tmp_path)


@pytest.mark.parametrize("text", ["", LONG, "\x7f\x1b[31mSão Paulo ☃ 🙂"])
@pytest.mark.parametrize(
    "args",
    [
        ["locate", "{t}"],
        ["locate", "--json", "{t}"],
        ["locate", "Louisville, KY", "--as-of", "{t}"],
        ["office", "{t}"],
        ["offices", "--state", "{t}"],
        ["resolve", "{t}"],
        ["resolve", "Kentucky", "--state", "{t}"],
        ["verify", "{t}"],
        ["export", "--format", "{t}", "--output", "out"],
        ["diff", "{t}", "{t}"],
        ["ingest", "{t}"],
        ["assign", "{t}", "--output", "out.csv"],
    ],
    ids=lambda a: "-".join(x for x in a if x != "{t}"),
)
def test_a_hostile_argument(tmp_path: Path, args: list[str], text: str) -> None:
    run([a.replace("{t}", text) for a in args], tmp_path)
