"""`fieldoffice users` and `fieldoffice db`: the editors' store from the command line, driven
through the installed entry point against a SQLite file in a temporary folder (XDG_DATA_HOME
points there too, so the real user data folder is never touched)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from fieldoffice.core.errors import Unauthorized
from fieldoffice.directory.file import default_path
from fieldoffice.store import accounts
from fieldoffice.store.database import DATABASE_ENV
from fieldoffice.store.opening import open_database

EXE = shutil.which("fieldoffice", path=str(Path(sys.executable).parent)) or "fieldoffice"
PASSWORD = "correct horse battery staple"
TOKEN = re.compile(r"^fo_[A-Za-z0-9_-]{20,}$")
RENAMED = "Denver Office is now named Denver Field Office."


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    base = {k: v for k, v in os.environ.items() if k != DATABASE_ENV}
    return {**base, "XDG_DATA_HOME": str(tmp_path / "xdg"), "PYTHONDONTWRITEBYTECODE": "1"}


@pytest.fixture
def url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'store.db'}"


def cli(env: dict[str, str], *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:  # fmt: skip
    return subprocess.run([EXE, *args], input=stdin, capture_output=True, text=True, timeout=180,
                          env=env, check=False)  # fmt: skip


def cli_bytes(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([EXE, *args], capture_output=True, timeout=180, env=env, check=False)


def ok(r: subprocess.CompletedProcess[str]) -> subprocess.CompletedProcess[str]:
    assert r.returncode == 0, r.stderr
    assert "Traceback" not in r.stderr
    return r


def one_error(r: subprocess.CompletedProcess[str], code: int, *words: str) -> str:
    """A refusal: the exit code, one `fieldoffice: error: ...` line on stderr, no traceback."""
    assert r.returncode == code, (r.returncode, r.stdout, r.stderr)
    assert "Traceback" not in r.stderr and "Traceback" not in r.stdout
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1, r.stderr
    assert lines[0].startswith("fieldoffice: error: "), lines[0]
    for w in words:
        assert w in lines[0], lines[0]
    return lines[0]


def add(env: dict[str, str], url: str, name: str, role: str = "editor") -> None:
    ok(cli(env, "users", "add", name, "--role", role, "--password-stdin", "--database", url,
           stdin=PASSWORD + "\n"))  # fmt: skip


def listed(env: dict[str, str], url: str) -> dict[str, tuple[str, int]]:
    rows = json.loads(ok(cli(env, "users", "list", "--json", "--database", url)).stdout)
    return {r["name"]: (r["role"], r["tokens"]) for r in rows}


def token_of(env: dict[str, str], url: str, name: str) -> str:
    r = ok(cli(env, "users", "token", name, "--database", url))
    lines = r.stdout.splitlines()
    assert len(lines) == 1 and TOKEN.match(lines[0]), r.stdout  # only the token, one line
    assert "shown" in r.stderr and lines[0] not in r.stderr
    return lines[0]


def account(url: str, token: str) -> accounts.Account:
    db = open_database(url)
    try:
        return accounts.account_for_token(db, token)
    finally:
        db.close()


def renamed_copy(tmp_path: Path) -> Path:
    """The shipped directory with Denver renamed, a comment added and CRLF line ends: a file
    the store must give back byte for byte, not a re-serialised equivalent."""
    text = default_path().read_text(encoding="utf-8")
    assert text.count('name = "Denver Office"\n') == 1
    text = text.replace('name = "Denver Office"\n', 'name = "Denver Field Office"\n')
    path = tmp_path / "renamed.toml"
    path.write_bytes(("# renamed by hand\n" + text).replace("\n", "\r\n").encode())
    return path


# -- users ---------------------------------------------------------------------------------------
def test_a_user_added_from_stdin_gets_a_token_that_works_until_revoked(env: dict[str, str], url: str) -> None:  # fmt: skip
    add(env, url, "pat", "publisher")
    assert listed(env, url) == {"pat": ("publisher", 0)}
    token = token_of(env, url, "pat")
    assert (account(url, token).name, account(url, token).role) == ("pat", "publisher")
    assert listed(env, url) == {"pat": ("publisher", 1)}
    r = ok(cli(env, "users", "revoke", "pat", "--token", token, "--database", url))
    assert "revoked 1 token" in r.stdout
    with pytest.raises(Unauthorized):
        account(url, token)
    assert listed(env, url) == {"pat": ("publisher", 0)}
    again = one_error(cli(env, "users", "revoke", "pat", "--token", token, "--database", url), 1)
    assert token not in again


def test_revoke_without_a_token_revokes_all_of_them(env: dict[str, str], url: str) -> None:
    add(env, url, "ed")
    tokens = [token_of(env, url, "ed"), token_of(env, url, "ed")]
    assert tokens[0] != tokens[1]
    assert (
        "revoked 2 tokens of ed" in ok(cli(env, "users", "revoke", "ed", "--database", url)).stdout
    )
    for t in tokens:
        with pytest.raises(Unauthorized):
            account(url, t)
    assert "nothing revoked" in ok(cli(env, "users", "revoke", "ed", "--database", url)).stdout


def test_a_short_password_is_refused_in_one_line(env: dict[str, str], url: str) -> None:
    r = cli(env, "users", "add", "sam", "--password-stdin", "--database", url, stdin="short\n")
    one_error(r, 2, "at least 12")
    r = cli(env, "users", "add", "sam", "--password-stdin", "--database", url, stdin="")
    one_error(r, 2, "--password-stdin")
    r = cli(env, "users", "add", "sam", "--database", url, stdin="")  # no terminal to ask on
    one_error(r, 2, "--password-stdin")
    assert listed(env, url) == {}


def test_a_duplicate_user_or_an_unknown_role_is_refused(env: dict[str, str], url: str) -> None:
    add(env, url, "pat", "editor")
    r = cli(env, "users", "add", "pat", "--role", "admin", "--password-stdin", "--database", url,
            stdin=PASSWORD + "\n")  # fmt: skip
    one_error(r, 1, "'pat' already")
    one_error(cli(env, "users", "add", "bob", "--role", "boss", "--password-stdin", "--database",
                  url, stdin=PASSWORD + "\n"), 2, "'boss'", "editor, publisher, admin")  # fmt: skip
    one_error(cli(env, "users", "role", "pat", "boss", "--database", url), 2, "'boss'")
    one_error(cli(env, "users", "token", "nobody", "--database", url), 1, "'nobody'")
    assert listed(env, url) == {"pat": ("editor", 0)}


def test_role_and_password_changes(env: dict[str, str], url: str) -> None:
    add(env, url, "pat", "editor")
    r = ok(cli(env, "users", "role", "pat", "publisher", "--database", url))
    assert "pat is now publisher (was editor)" in r.stdout
    assert listed(env, url) == {"pat": ("publisher", 0)}
    new = "an entirely different passphrase"
    ok(cli(env, "users", "password", "pat", "--password-stdin", "--database", url, stdin=new + "\r\n"))  # fmt: skip
    one_error(cli(env, "users", "password", "pat", "--password-stdin", "--database", url,
                  stdin="tiny\n"), 2, "at least 12")  # fmt: skip
    db = open_database(url)
    try:
        assert accounts.login(db, "pat", new, "127.0.0.1").role == "publisher"
        with pytest.raises(Unauthorized):
            accounts.login(db, "pat", PASSWORD, "127.0.0.1")
    finally:
        db.close()


def test_the_database_comes_from_the_environment_else_the_user_data_folder(env: dict[str, str], tmp_path: Path) -> None:  # fmt: skip
    path = tmp_path / "from-env.db"
    add({**env, DATABASE_ENV: str(path)}, f"sqlite:///{path}", "pat")
    assert path.is_file()
    rows = json.loads(ok(cli({**env, DATABASE_ENV: str(path)}, "users", "list", "--json")).stdout)
    assert [r["name"] for r in rows] == ["pat"]
    info = ok(cli(env, "db", "info")).stdout  # neither: the default file, under XDG_DATA_HOME
    assert str(tmp_path / "xdg" / "fieldoffice" / "fieldoffice.db") in info
    assert "dialect:   sqlite" in info and "versions:  1" in info


# -- db ------------------------------------------------------------------------------------------
def test_the_shipped_file_round_trips_byte_for_byte(env: dict[str, str], url: str, tmp_path: Path) -> None:  # fmt: skip
    shipped = default_path().read_bytes()
    ok(cli(env, "db", "export", "-o", str(tmp_path / "published.toml"), "--database", url))
    assert (tmp_path / "published.toml").read_bytes() == shipped
    ok(cli(env, "db", "import", str(default_path()), "--database", url))
    ok(cli(env, "db", "export", "--draft", "-o", str(tmp_path / "draft.toml"), "--database", url))
    assert (tmp_path / "draft.toml").read_bytes() == shipped
    out = cli_bytes(env, "db", "export", "-o", "-", "--version", "1", "--database", url)
    assert out.returncode == 0 and out.stdout == shipped
    assert not list(tmp_path.glob(".*.tmp"))  # the atomic write left no temporary file


def test_an_edited_file_is_the_draft_then_the_published_version_byte_for_byte(env: dict[str, str], url: str, tmp_path: Path) -> None:  # fmt: skip
    edited = renamed_copy(tmp_path)
    ok(cli(env, "db", "import", str(edited), "--database", url))
    ok(cli(env, "db", "export", "--draft", "-o", str(tmp_path / "draft.toml"), "--database", url))
    assert (tmp_path / "draft.toml").read_bytes() == edited.read_bytes()
    published = tmp_path / "published.toml"
    ok(cli(env, "db", "export", "-o", str(published), "--database", url))
    assert published.read_bytes() == default_path().read_bytes()  # not published yet
    r = ok(cli(env, "db", "import", str(edited), "--publish", "--acknowledge-warnings",
               "--database", url))  # fmt: skip
    assert RENAMED in r.stdout
    ok(cli(env, "db", "export", "-o", str(published), "--database", url))
    assert published.read_bytes() == edited.read_bytes()
    found = json.loads(ok(cli(env, "db", "versions", "--json", "--database", url)).stdout)
    assert [v["id"] for v in found] == [2, 1]
    assert found[0]["summary"] == [RENAMED]
    table = ok(cli(env, "db", "versions", "--database", url)).stdout.splitlines()
    assert len(table) == 3 and table[1].startswith("2 ") and RENAMED in table[1]


def test_a_publish_held_back_by_warnings_lists_them(env: dict[str, str], url: str, tmp_path: Path) -> None:  # fmt: skip
    edited = renamed_copy(tmp_path)
    r = cli(env, "db", "import", str(edited), "--publish", "--database", url)
    assert r.returncode == 1 and "Traceback" not in r.stderr
    lines = r.stderr.strip().splitlines()
    assert lines[-1].startswith("fieldoffice: error: lint finds") and "--acknowledge-warnings" in lines[-1]  # fmt: skip
    assert any(line.split()[:2] == ["warning", "overlap"] for line in lines[:-1]), r.stderr
    versions = json.loads(ok(cli(env, "db", "versions", "--json", "--database", url)).stdout)
    assert [v["id"] for v in versions] == [1]  # nothing published; the file is the draft
    ok(cli(env, "db", "export", "--draft", "-o", str(tmp_path / "draft.toml"), "--database", url))
    assert (tmp_path / "draft.toml").read_bytes() == edited.read_bytes()


def test_rollback_needs_yes_and_republishes_the_old_text(env: dict[str, str], url: str, tmp_path: Path) -> None:  # fmt: skip
    ok(cli(env, "db", "import", str(renamed_copy(tmp_path)), "--publish", "--acknowledge-warnings",
           "--database", url))  # fmt: skip
    one_error(cli(env, "db", "rollback", "1", "--database", url), 2, "--yes")
    one_error(cli(env, "db", "rollback", "7", "--yes", "--database", url), 1, "no version 7",
              "fieldoffice db versions")  # fmt: skip
    assert "Rolled back to version 1." in ok(cli(env, "db", "rollback", "1", "--yes", "--database", url)).stdout  # fmt: skip
    out = cli_bytes(env, "db", "export", "-o", "-", "--database", url)
    assert out.stdout == default_path().read_bytes()
    one_error(
        cli(env, "db", "export", "-o", "x", "--draft", "--version", "1", "--database", url), 2
    )


def test_the_audit_log_has_every_action_and_no_secret(env: dict[str, str], url: str, tmp_path: Path) -> None:  # fmt: skip
    add(env, url, "pat", "publisher")
    token = token_of(env, url, "pat")
    ok(cli(env, "users", "revoke", "pat", "--database", url))
    ok(cli(env, "db", "import", str(renamed_copy(tmp_path)), "--publish", "--acknowledge-warnings",
           "--database", url))  # fmt: skip
    jsonl = ok(cli(env, "db", "audit", "--jsonl", "--database", url)).stdout
    entries = [json.loads(line) for line in jsonl.splitlines()]
    assert [e["id"] for e in entries] == sorted(e["id"] for e in entries)  # oldest first
    actions = [e["action"] for e in entries]
    assert actions == ["seed", "user_added", "token_created", "token_revoked", "import", "publish"]
    assert {e["actor"] for e in entries[1:]} == {entries[1]["actor"]}
    assert entries[1]["actor"].startswith("cli") and entries[1]["address"] == "local"
    table = ok(cli(env, "db", "audit", "--database", url)).stdout.splitlines()
    assert table[0].split() == ["id", "at", "actor", "from", "action", "target"]
    assert [row.split()[4] for row in table[1:]] == actions[::-1]  # newest first
    stored = Path(url.removeprefix("sqlite:///")).read_bytes()
    for secret in (PASSWORD, token, token[3:]):
        assert secret not in jsonl and secret not in "\n".join(table)
        assert secret.encode() not in stored


def test_the_password_prompt_asks_twice_unseen(env: dict[str, str], url: str) -> None:
    pty = pytest.importorskip("pty")
    import select

    pid, fd = pty.fork()
    if pid == 0:  # the child: the CLI on a terminal
        os.execve(EXE, [EXE, "users", "add", "tty", "--database", url], env)
    said = b""
    for prompt in (b"Password: ", b"Repeat for confirmation: "):
        # the prompt's last space is written by getpass once echo is off: answer only then
        while not said.endswith(prompt):
            ready, _, _ = select.select([fd], [], [], 60)
            assert ready, said
            said += os.read(fd, 1024)
        os.write(fd, PASSWORD.encode() + b"\n")
    while True:
        try:
            chunk = os.read(fd, 1024)
        except OSError:
            break
        if not chunk:
            break
        said += chunk
    _, status = os.waitpid(pid, 0)
    os.close(fd)
    assert os.waitstatus_to_exitcode(status) == 0, said
    assert PASSWORD.encode() not in said  # hidden input: never echoed
    assert b"Repeat for confirmation" in said and b"added tty (editor)" in said
    assert listed(env, url) == {"tty": ("editor", 0)}


def test_users_add_says_the_role_it_gave_when_none_was_asked_for(env: dict[str, str], url: str) -> None:  # fmt: skip
    r = ok(cli(env, "users", "add", "ana", "--password-stdin", "--database", url, stdin=PASSWORD + "\n"))  # fmt: skip
    assert "added ana (editor)" in r.stdout
    assert "ana is an editor, the default role" in r.stdout
    assert "fieldoffice users role ana publisher" in r.stdout
    chosen = ok(cli(env, "users", "add", "pat", "--role", "editor", "--password-stdin", "--database", url, stdin=PASSWORD + "\n"))  # fmt: skip
    assert "added pat (editor)" in chosen.stdout and "default" not in chosen.stdout
    assert listed(env, url) == {"ana": ("editor", 0), "pat": ("editor", 0)}
