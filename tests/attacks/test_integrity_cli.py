"""Issue 21, trust and integrity, on the command line (the installed entry point): stored text
never reaches the terminal with its control characters (db audit, db versions, db info, users
list), a version number past any id and serve's impossible arguments are one exit-2 line, and
lint names confusable and invisible characters and two offices of one name."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from fieldoffice.store import audit, drafts
from fieldoffice.store.database import DATABASE_ENV
from fieldoffice.store.opening import open_database
from fieldoffice.store.tables import User

EXE = shutil.which("fieldoffice", path=str(Path(sys.executable).parent)) or "fieldoffice"
FORGED = "mallory\x1b[2J\x1b]0;owned\x07\r\n2026-01-01  admin  local  publish  version 9\u202e"
CONTROL = ("\x1b", "\r", "\x07", "\u202e")


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    base = {k: v for k, v in os.environ.items() if k != DATABASE_ENV}
    return {**base, "XDG_DATA_HOME": str(tmp_path / "xdg"), "PYTHONDONTWRITEBYTECODE": "1"}


@pytest.fixture
def url(tmp_path: Path, env: dict[str, str]) -> str:
    """A store holding hostile text where the CLI prints it: an audit entry, a user's name, a
    draft author and a version's summary (written straight into the store, past every check)."""
    url = f"sqlite:///{tmp_path / 'store.db'}"
    db = open_database(url)
    with db.transaction() as s:
        audit.record(s, actor=FORGED, address="10.0.0.1\r\n", action="login_failed", target=f"user {FORGED}")  # fmt: skip
        s.add(User(name=FORGED[:64], role="editor", password_hash="x", created_at=audit.now()))
    d = drafts.current(db)
    drafts.edit_office(db, "denver", {"name": "Denver Field Office"}, base=d.etag, actor=FORGED[:64], address="local")  # fmt: skip
    from fieldoffice.store import versions
    from fieldoffice.store.tables import Version

    versions.publish(db, actor=FORGED[:64], address="local", acknowledge_warnings=True)
    with db.transaction() as s:
        v = s.get(Version, 2)
        assert v is not None
        v.changes = v.changes.replace("Denver Field Office", "Denver\\u001b[31m Field\\r\\nOffice")
    db.close()
    return url


def cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([EXE, *args], capture_output=True, text=True, timeout=180, env=env, check=False)  # fmt: skip


@pytest.mark.parametrize(
    "args",
    [("db", "audit"), ("db", "audit", "--jsonl"), ("db", "versions"), ("db", "versions", "--json"),
     ("db", "info"), ("users", "list"), ("users", "list", "--json"), ("users", "role", FORGED, "admin")],
)  # fmt: skip
def test_stored_text_reaches_the_terminal_escaped(env: dict[str, str], url: str, args: tuple[str, ...]) -> None:  # fmt: skip
    r = cli(env, *args, "--database", url)
    assert "Traceback" not in r.stderr
    for c in CONTROL:
        assert c not in r.stdout and c not in r.stderr, (c, args, r.stdout[-400:], r.stderr)
    if "--jsonl" in args or "--json" in args:
        for line in r.stdout.splitlines():
            json.loads(line)  # still JSON
    elif args[-1] != "admin":
        assert "\\x1b" in r.stdout, r.stdout[-400:]


def test_a_version_number_past_any_id_is_one_exit_2_line(env: dict[str, str], url: str) -> None:
    for n in ("99999999999999999999999", "2147483648", "0"):
        r = cli(env, "db", "rollback", n, "--yes", "--database", url)
        assert r.returncode == 2 and "Traceback" not in r.stderr, r.stderr
        assert r.stderr.startswith("fieldoffice: error: there is no version") and r.stderr.count("\n") == 1  # fmt: skip


@pytest.mark.parametrize(
    ("option", "value", "words"),
    [("--port", "99999", "--port must be from 1 to 65535"), ("--port", "0", "--port"),
     ("--header-timeout", "nan", "finite positive"), ("--header-timeout", "inf", "finite positive"),
     ("--header-timeout", "-1", "positive"), ("--public-url", "javascript:alert(1)", "public URL"),
     ("--public-url", "https://x.example?a=1", "public URL")],
)  # fmt: skip
def test_serve_refuses_impossible_arguments_before_announcing(env: dict[str, str], tmp_path: Path, option: str, value: str, words: str) -> None:  # fmt: skip
    r = cli(env, "serve", option, value, "--database", f"sqlite:///{tmp_path / 's.db'}")
    assert r.returncode == 2, (r.returncode, r.stderr)
    assert "serving" not in r.stderr and "Traceback" not in r.stderr
    assert r.stderr.startswith("fieldoffice: error: ") and words in r.stderr, r.stderr


# -- lint ---------------------------------------------------------------------------------------
def test_lint_names_lookalike_invisible_and_duplicate_names() -> None:
    from fieldoffice.directory.context import shared_gazetteer, shared_regions
    from fieldoffice.directory.file import build_directory, default_path, read_raw
    from fieldoffice.editing.lint import lint_directory

    raw = read_raw(default_path())
    offices = raw["office"]
    offices[0]["name"] = "D\u0435nver Office"  # a Cyrillic e
    offices[1]["city"] = offices[1]["city"][:2] + "\u200b" + offices[1]["city"][2:]
    offices[3]["name"] = offices[2]["name"].upper()
    found = lint_directory(build_directory(raw, Path("hostile.toml")), shared_gazetteer(), shared_regions()[1])  # fmt: skip
    kinds = {f.kind: f for f in found}
    assert "U+0435" in kinds["confusable_characters"].message
    assert offices[0]["id"] in kinds["confusable_characters"].message
    assert "U+200B" in kinds["invisible_characters"].message
    assert kinds["duplicate_name"].details["offices"] == [offices[2]["id"], offices[3]["id"]]
    assert all(kinds[k].severity == "warning" for k in ("confusable_characters", "invisible_characters", "duplicate_name"))  # fmt: skip
