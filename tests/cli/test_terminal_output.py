"""Stored words reach a terminal as text, never as its commands: an office name carrying an
escape sequence or a carriage return prints escaped in every command that shows it."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli.test_commands import run
from tests.directories import office, write

HOSTILE = "Evil\\u001b[2J\\rOffice"  # TOML escapes: ESC [2J (clear screen), then a carriage return


@pytest.fixture(scope="module")
def directory(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("terminal")
    return write(tmp, office("evil", '{ phrase = "Rhode Island", state = "RI" }', name=HOSTILE))


@pytest.mark.parametrize(
    "args",
    [("locate", "Providence, RI"), ("office", "evil"), ("offices",), ("offices", "--state", "RI")],
)
def test_stored_controls_print_escaped(directory: Path, args: tuple[str, ...]) -> None:
    r = run(*args, "--directory", str(directory))
    assert r.returncode == 0, r.stderr
    assert "\x1b" not in r.stdout and "\r" not in r.stdout
    assert "\\x1b[2J" in r.stdout


def test_json_stays_json_and_escapes_nothing_it_need_not(directory: Path) -> None:
    r = run("office", "evil", "--json", "--directory", str(directory))
    assert r.returncode == 0, r.stderr
    assert "\x1b" not in r.stdout and "\\u001b[2J" in r.stdout
