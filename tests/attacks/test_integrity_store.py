"""Issue 21, trust and integrity, in the store (SQLite and PostgreSQL): sign-in throttling
that holds per account and per IPv6 /64 and under races, no secret typed into the name field in
the audit, one publish or rollback at a time, a rollback that would change nothing refused,
version numbers past any id, fields refused at the door, the audit safe from INSERT OR REPLACE
and the store file readable by its owner only."""

from __future__ import annotations

import os
import stat
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from fieldoffice.core.errors import (
    Conflict,
    FieldOfficeError,
    InvalidInput,
    NotFound,
    TooManyAttempts,
    Unauthorized,
)
from fieldoffice.store import accounts, audit, drafts, versions
from fieldoffice.store.database import Database
from fieldoffice.store.opening import open_database

PASSWORD = "correct horse battery staple"
NEW = "Denver Field Office"


@pytest.fixture
def db(database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Database]:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    store = open_database(database_url)
    try:
        yield store
    finally:
        store.close()


def _race(n: int, work: Any) -> list[Any]:
    """`work(i)` in n threads released at once; each one's result or exception."""
    start = threading.Barrier(n)
    out: list[Any] = [None] * n

    def run(i: int) -> None:
        start.wait()
        try:
            out[i] = work(i)
        except Exception as exc:
            out[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    return out


# -- signing in -------------------------------------------------------------------------------
def test_racing_wrong_passwords_check_at_most_five(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    accounts.add_user(db, "sam", "editor", PASSWORD)
    checked = []
    real = accounts._verified

    def counted(hashed: str, password: str) -> bool:
        checked.append(password)
        return real(hashed, password)

    monkeypatch.setattr(accounts, "_verified", counted)
    got = _race(8, lambda i: accounts.login(db, "sam", f"wrong guess {i}", "198.51.100.7"))
    assert all(isinstance(g, Unauthorized | TooManyAttempts) for g in got), got
    assert len(checked) <= accounts.MAX_FAILURES, f"{len(checked)} passwords were checked"
    with pytest.raises(TooManyAttempts):
        accounts.login(db, "sam", PASSWORD, "198.51.100.7")


def test_one_ipv6_64_is_one_client_for_the_lockout(db: Database) -> None:
    accounts.add_user(db, "sam", "editor", PASSWORD)
    for i in range(1, 6):  # five addresses of one /64
        with pytest.raises(Unauthorized):
            accounts.login(db, "sam", "not the password", f"2001:db8:1:2::{i}")
    with pytest.raises(TooManyAttempts):
        accounts.login(db, "sam", PASSWORD, "2001:db8:1:2:ffff::99")
    assert accounts.login(db, "sam", PASSWORD, "2001:db8:1:3::1").name == "sam"  # another /64


def test_a_password_typed_as_the_name_is_not_in_the_audit(db: Database) -> None:
    accounts.add_user(db, "sam", "editor", PASSWORD)
    with pytest.raises(Unauthorized):
        accounts.login(db, PASSWORD, "sam", "198.51.100.8")  # the fields swapped
    with pytest.raises(Unauthorized):
        accounts.login(db, "sam", "not the password", "198.51.100.8")
    logged = "".join(audit.json_lines(db))
    assert PASSWORD not in logged
    failed = [e for e in audit.entries(db) if e.action == "login_failed"]
    assert [e.actor.startswith("unknown:") for e in failed] == [False, True]
    assert failed[0].actor == "sam" and failed[1].detail == {"known_user": False}


def test_a_nul_in_a_login_name_is_a_wrong_login_not_a_database_error(db: Database) -> None:
    with pytest.raises(Unauthorized):
        accounts.login(db, "ad\x00min", "whatever it is", "198.51.100.9")
    with pytest.raises(NotFound):
        accounts.set_role(db, "ad\x00min", "admin")


# -- publishing -------------------------------------------------------------------------------
def _edited(db: Database) -> None:
    d = drafts.current(db)
    drafts.edit_office(db, "denver", {"name": NEW}, base=d.etag, actor="ed", address="local")


def test_parallel_publishes_make_one_version(db: Database) -> None:
    _edited(db)
    got = _race(4, lambda i: versions.publish(db, actor=f"pub{i}", address="local",
                                              acknowledge_warnings=True))  # fmt: skip
    made = [g for g in got if isinstance(g, versions.VersionInfo)]
    assert len(made) == 1, got
    assert all(isinstance(g, Conflict) for g in got if g not in made), got
    assert [v.id for v in versions.versions(db)] == [2, 1]


def test_parallel_rollbacks_make_one_version_and_a_no_op_rollback_is_409(db: Database) -> None:
    _edited(db)
    versions.publish(db, actor="pub", address="local", acknowledge_warnings=True)
    got = _race(4, lambda i: versions.rollback(db, 1, actor=f"pub{i}", address="local"))
    made = [g for g in got if isinstance(g, versions.VersionInfo)]
    assert len(made) == 1, got
    refused = [g for g in got if isinstance(g, Conflict)]
    assert len(refused) == 3 and all(g.http_status == 409 for g in refused)
    assert "would change nothing" in str(refused[0])
    assert [v.id for v in versions.versions(db)] == [3, 2, 1]
    for again in (1, 3):  # version 1's content is in force (as version 3)
        with pytest.raises(Conflict) as no_op:
            versions.rollback(db, again, actor="pub", address="local")
        assert no_op.value.http_status == 409 and "in force" in no_op.value.message
    feed_entries = [a for a in audit.entries(db) if a.action == "rollback"]
    assert len(feed_entries) == 1


@pytest.mark.parametrize("number", [0, -1, 2**31, 99999999999999999999999])
def test_a_version_number_past_any_id_is_not_found(db: Database, number: int) -> None:
    with pytest.raises(NotFound):
        versions.get(db, number)
    with pytest.raises(NotFound):
        versions.rollback(db, number, actor="pub", address="local")


# -- fields at the door -----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("fields", "words"),
    [
        ({"name": "Denver\x1b[2J Office"}, "control character U+001B"),
        ({"name": "Denver\nOffice"}, "control character U+000A"),
        ({"city": "Den\x00ver"}, "control character U+0000"),
        ({"aor": "Colorado\x07"}, "control character U+0007"),
        ({"email": "mailto:press@example.org?bcc=spy@example.net"}, "not an email address"),
        ({"email": "press?bcc=spy@example.net"}, "not an email address"),
        ({"email": "not an address"}, "not an email address"),
        ({"phone": "call us maybe"}, "not a phone number"),
        ({"phone": "tel:+13035550100;ext=1"}, "not a phone number"),
        ({"phone": "555"}, "not a phone number"),
        ({"name": "N" * 5_000_000}, "at most 200 are allowed"),
    ],
)
def test_fields_are_refused_at_the_door(db: Database, fields: dict[str, str], words: str) -> None:
    base = drafts.current(db)
    with pytest.raises(InvalidInput) as refused:
        drafts.edit_office(db, "denver", fields, base=base.etag, actor="ed", address="local")
    assert words in refused.value.message and "office 'denver'" in refused.value.message
    assert refused.value.http_status == 400
    assert drafts.current(db).revision == base.revision


def test_good_fields_pass_the_door(db: Database) -> None:
    base = drafts.current(db)
    d = drafts.edit_office(db, "denver", {"phone": "(303) 555-0100 ext. 12", "email": "denver@example.org"},
                           base=base.etag, actor="ed", address="local")  # fmt: skip
    media = {"name": "Press Office", "phone": "(202) 555-0100", "text": "Call us.\nOr write."}
    d = drafts.edit_directory(db, "media", media, base=d.etag, actor="ed", address="local")
    assert d.raw["directory"]["media"]["text"] == "Call us.\nOr write."
    with pytest.raises(InvalidInput, match=r"directory: media\.email"):
        drafts.edit_directory(db, "media", {**media, "email": "mailto:a@example.org"}, base=d.etag,
                              actor="ed", address="local")  # fmt: skip


# -- at rest ----------------------------------------------------------------------------------
@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)  # INSERT OR REPLACE is SQLite's
def test_insert_or_replace_cannot_rewrite_an_audit_row(db: Database) -> None:
    assert db.dialect == "sqlite"
    first = audit.entries(db)[-1]
    with pytest.raises(DBAPIError, match="append-only"), db.transaction() as s:
        s.execute(text("INSERT OR REPLACE INTO audit (id, at, actor, address, action, target, detail) "
                       "VALUES (:id, '2020-01-01', 'mallory', 'x', 'seed', 'nothing', '{}')"),
                  {"id": first.id})  # fmt: skip
    assert audit.entries(db)[-1] == first


def test_a_new_store_file_is_readable_by_its_owner_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    old = os.umask(0o022)
    try:
        store = open_database(f"sqlite:///{tmp_path / 'new' / 'store.db'}")
        store.close()
    finally:
        os.umask(old)
    for f in (tmp_path / "new").iterdir():
        assert stat.S_IMODE(f.stat().st_mode) == 0o600, f
    assert stat.S_IMODE((tmp_path / "new").stat().st_mode) == 0o700


def test_every_refusal_here_is_a_worded_4xx() -> None:
    for cls in (Conflict, InvalidInput, NotFound, TooManyAttempts, Unauthorized):
        assert issubclass(cls, FieldOfficeError) and 400 <= cls.http_status < 500
