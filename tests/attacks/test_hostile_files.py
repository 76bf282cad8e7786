"""Directory files from an attacker or an accident: devices, pipes, folders, symlink loops, huge,
undecodable or deeply nested files are each one clear DataError, at once; and a folder of thousands
of versions is chosen from by reading only each file's effective date."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

from fieldoffice.core.errors import DataError
from fieldoffice.directory import file as directory_module
from fieldoffice.directory.context import load_context
from fieldoffice.directory.file import (
    MAX_BYTES,
    choose_version,
    effective_date_of,
    read_raw,
)
from fieldoffice.geo.gazetteer import data_path

SHIPPED = data_path("directory.toml")


def hostile(tmp_path: Path, kind: str) -> Path:
    """A path of the given kind, made in tmp_path."""
    if kind == "device":
        return Path("/dev/zero")
    path = tmp_path / f"{kind}.toml"
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "folder":
        (tmp_path / "versions").mkdir()
        return tmp_path / "versions"
    elif kind == "symlink-loop":
        path.symlink_to(path)
    elif kind == "missing":
        pass
    elif kind == "latin-1":
        path.write_bytes(b'[directory]\ntitle = "Bur\xe9au"\n')
    elif kind == "deep-toml":
        path.write_text("a = " + "[" * 100_000 + "]" * 100_000 + "\n")
    elif kind == "deep-table":
        path.write_text("[" + ".".join(["a"] * 100) + "]\nb = 1\n")
    elif kind == "deep-json":
        path = tmp_path / "deep.json"
        path.write_text("[" * 100_000 + "]" * 100_000)
    elif kind == "json-list":
        path = tmp_path / "list.json"
        path.write_text("[1, 2]")
    elif kind == "too-big":
        with path.open("wb") as f:
            f.truncate(MAX_BYTES + 1)
    return path


EXPECTED = {
    "device": "it is a device",
    "fifo": "it is a named pipe (FIFO)",
    "folder": "it is a folder",
    "symlink-loop": "symlink loop",
    "missing": "No such file or directory",
    "latin-1": "byte 0xe9 at offset 24 (line 2) is not UTF-8",
    "deep-toml": "nested more than 32 deep",
    "deep-table": "nested more than 32 deep",
    "deep-json": "nested more than 32 deep",
    "json-list": "not an object",
    "too-big": "larger than the limit of 5 MB",
}


@pytest.mark.parametrize("kind", sorted(EXPECTED))
def test_a_hostile_file_is_one_clear_error(tmp_path: Path, kind: str) -> None:
    with pytest.raises(DataError) as info:
        read_raw(hostile(tmp_path, kind))
    assert EXPECTED[kind] in str(info.value)


@pytest.mark.parametrize("kind", ["device", "fifo", "symlink-loop", "latin-1", "deep-toml"])
def test_a_hostile_directory_fails_to_load(tmp_path: Path, kind: str) -> None:
    with pytest.raises(DataError) as info:
        load_context(hostile(tmp_path, kind))
    assert EXPECTED[kind] in str(info.value)


def test_the_utf8_message_says_the_file_must_be_utf8(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="must be UTF-8"):
        read_raw(hostile(tmp_path, "latin-1"))


def version_text(date: dt.date) -> str:
    text = SHIPPED.read_text()
    shipped = load_context().directory.effective_date.isoformat()
    out = text.replace(f'effective_date = "{shipped}"', f'effective_date = "{date}"', 1)
    assert out != text
    return out


START = dt.date(2001, 1, 1)


def test_the_version_in_effect_among_two_thousand(tmp_path: Path) -> None:
    folder = tmp_path / "versions"
    folder.mkdir()
    # tiny files: only the chosen version is ever read whole, so these need hold only a date
    for i in range(2000):
        day = START + dt.timedelta(days=3 * i)
        (folder / f"v{i:04d}.toml").write_text(f'[directory]\neffective_date = "{day}"\n')
    assert choose_version(folder, None) == folder / "v1999.toml"
    assert choose_version(folder, START) == folder / "v0000.toml"
    assert choose_version(folder, START + dt.timedelta(days=3 * 1234 + 2)) == folder / "v1234.toml"
    assert choose_version(folder, START + dt.timedelta(days=3 * 1500)) == folder / "v1500.toml"
    with pytest.raises(DataError, match="no directory version was in effect on 2000-12-31"):
        choose_version(folder, START - dt.timedelta(days=1))
    # a real version among them is the one loaded, and the others are never parsed in full
    real = START + dt.timedelta(days=3 * 700 + 1)
    (folder / "real.toml").write_text(version_text(real))
    ctx = load_context(folder, as_of=real + dt.timedelta(days=1))
    assert ctx.directory.effective_date == real
    assert ctx.directory.path == str(folder / "real.toml")
    with pytest.raises(DataError, match=r"v0701\.toml"):  # a tiny version fails when it is chosen
        load_context(folder, as_of=real + dt.timedelta(days=2))


def test_two_versions_on_one_day_are_an_error(tmp_path: Path) -> None:
    for name in ("a", "b"):
        (tmp_path / f"{name}.toml").write_text('[directory]\neffective_date = "2024-05-01"\n')
    with pytest.raises(DataError, match="two directory versions take effect on 2024-05-01"):
        choose_version(tmp_path, None)


@pytest.mark.parametrize(
    "text",
    [
        # the date line is inside a multi-line string: the real date is the later one
        '[directory]\nnote = """\neffective_date = "1999-01-01"\n"""\neffective_date = "2024-05-01"\n',
        # a dotted key, or an inline table: not on a line of its own under [directory]
        'directory.effective_date = "2024-05-01"\n',
        'directory = { effective_date = "2024-05-01" }\n',
        # another table's effective_date comes first
        '[other]\neffective_date = "1999-01-01"\n[directory]\neffective_date = "2024-05-01"\n',
    ],
)
def test_the_quick_date_never_misreads(tmp_path: Path, text: str) -> None:
    path = tmp_path / "v.toml"
    path.write_text(text)
    assert effective_date_of(path) == dt.date(2024, 5, 1)


def test_the_quick_date_of_the_shipped_file_is_its_date() -> None:
    head = SHIPPED.read_bytes()[:8192]
    quick = directory_module._quick_date(head, complete=len(head) < 8192)
    assert quick == load_context().directory.effective_date


def test_a_changed_file_is_read_again(tmp_path: Path) -> None:
    path = tmp_path / "v.toml"
    path.write_text('[directory]\neffective_date = "2024-05-01"\n')
    assert effective_date_of(path) == dt.date(2024, 5, 1)
    path.write_text('[directory]\neffective_date = "2024-06-01"  # moved\n')
    assert effective_date_of(path) == dt.date(2024, 6, 1)
