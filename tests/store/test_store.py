"""The editors' store itself (fieldoffice.store), on SQLite and on PostgreSQL: seeding, the
migrations, accounts and login throttling, the draft and its ETags, publishing and rolling
back, the version in force on a date, the append-only audit log, and import round trips."""

from __future__ import annotations

import datetime as dt
import hashlib
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, delete, func, inspect, select, text, update
from sqlalchemy.exc import DBAPIError

from fieldoffice.core.errors import (
    Conflict,
    DataError,
    InvalidInput,
    NotFound,
    PreconditionRequired,
    StaleEdit,
    TooManyAttempts,
    Unauthorized,
)
from fieldoffice.directory.file import default_path
from fieldoffice.store import accounts, audit, drafts, versions
from fieldoffice.store.accounts import Account
from fieldoffice.store.database import MIGRATIONS, Database
from fieldoffice.store.opening import open_database
from fieldoffice.store.tables import AuditEvent, DraftRevision, Token, User, Version

PASSWORD = "correct horse battery staple"
NEW_NAME = "Denver Field Office"
FULL_AOR = "Colorado, Montana, Wyoming, Utah"


@pytest.fixture
def db(database_url: str) -> Iterator[Database]:
    store = open_database(database_url)
    yield store
    store.close()


def _count(store: Database, table: type) -> int:
    with store.transaction() as s:
        return int(s.scalar(select(func.count()).select_from(table)) or 0)


def _actions(store: Database) -> list[str]:
    return [e.action for e in audit.entries(store, limit=1000)]


def _office(raw: dict, office_id: str) -> dict:
    return next(o for o in raw["office"] if o["id"] == office_id)


def _dump(store: Database) -> str:
    """Every row of every table in the database (Alembic's too), as text."""
    names = inspect(store.engine).get_table_names()
    assert {"users", "tokens", "audit", "versions", "draft_revisions"} <= set(names)
    out = []
    with store.engine.connect() as conn:
        for name in names:
            out += [repr(tuple(row)) for row in conn.execute(text(f'SELECT * FROM "{name}"'))]
    return "\n".join(out)


# -- opening: seeding and migrations ---------------------------------------------------------
def test_an_empty_store_is_seeded_from_the_shipped_directory_once(database_url: str) -> None:
    shipped = default_path()
    store = open_database(database_url)
    try:
        with store.transaction() as s:
            rows = list(s.scalars(select(Version)))
            heads = list(s.scalars(select(DraftRevision)))
        assert len(rows) == 1 and len(heads) == 1
        assert rows[0].toml.encode("utf-8") == shipped.read_bytes()  # byte for byte
        assert rows[0].effective_date == "2020-03-01"
        assert rows[0].sha256 == hashlib.sha256(shipped.read_bytes()).hexdigest()
        draft = drafts.current(store)
        assert (draft.revision, draft.etag) == (1, '"draft-1"')
        assert draft.toml == rows[0].toml
        assert _actions(store) == ["seed"]
    finally:
        store.close()

    again = open_database(database_url, seed_from=shipped)  # the same file: nothing to do
    try:
        assert (_count(again, Version), _count(again, DraftRevision)) == (1, 1)
        assert _actions(again) == ["seed"]
    finally:
        again.close()


def test_a_different_file_on_a_store_with_a_directory_is_refused(
    database_url: str, tmp_path: Path
) -> None:
    open_database(database_url).close()
    other = tmp_path / "other.toml"
    other.write_text(
        default_path().read_text("utf-8").replace('name = "Denver Office"', f'name = "{NEW_NAME}"'),
        "utf-8",
    )
    with pytest.raises(DataError) as refused:
        open_database(database_url, seed_from=other)
    assert "db import" in str(refused.value)
    assert str(other) in str(refused.value)
    store = open_database(database_url)
    try:
        assert _count(store, Version) == 1  # nothing was overwritten or added
        assert "Denver Office" in drafts.current(store).toml
        assert NEW_NAME not in drafts.current(store).toml
    finally:
        store.close()


def test_migrations_reach_head_and_opening_twice_is_idempotent(database_url: str) -> None:
    from alembic.script import ScriptDirectory

    head = ScriptDirectory(str(MIGRATIONS)).get_current_head()
    assert head  # there is a migration at all
    for _ in range(2):
        open_database(database_url).close()
    engine = create_engine(database_url)
    try:
        with engine.connect() as conn:
            held = conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
        tables = set(inspect(engine).get_table_names())
    finally:
        engine.dispose()
    assert held == [head]
    assert {"meta", "users", "tokens", "sessions", "draft_revisions", "versions", "audit",
            "login_failures", "lockouts"} <= tables  # fmt: skip


# -- accounts ---------------------------------------------------------------------------------
def test_passwords_are_argon2id_and_tokens_only_their_sha256(db: Database) -> None:
    made = accounts.add_user(db, "pat", "publisher", PASSWORD)
    token = accounts.new_token(db, "pat")
    assert token.startswith("fo_") and len(token) > 30
    with db.transaction() as s:
        user = s.scalar(select(User).where(User.name == "pat"))
        hashes = list(s.scalars(select(Token.token_hash)))
    assert user is not None and user.password_hash.startswith("$argon2id$")
    assert hashes == [hashlib.sha256(token.encode()).hexdigest()]
    dumped = _dump(db)
    assert "$argon2id$" in dumped and hashes[0] in dumped  # the dump does hold the tables
    assert PASSWORD not in dumped
    assert token not in dumped and token[3:] not in dumped and token[3:20] not in dumped

    assert accounts.account_for_token(db, token) == Account(made.id, "pat", "publisher")
    assert accounts.revoke(db, "pat") == 1
    with pytest.raises(Unauthorized):
        accounts.account_for_token(db, token)
    assert accounts.users(db) == [(Account(made.id, "pat", "publisher"), 0)]
    assert {"user_added", "token_created", "token_revoked"} <= set(_actions(db))


def test_roles_are_ordered_editor_publisher_admin() -> None:
    assert accounts.ROLES == ("editor", "publisher", "admin")
    may = {
        role: [needed for needed in accounts.ROLES if Account(1, "x", role).may(needed)]
        for role in accounts.ROLES
    }
    assert may == {
        "editor": ["editor"],
        "publisher": ["editor", "publisher"],
        "admin": ["editor", "publisher", "admin"],
    }
    with pytest.raises(InvalidInput):
        accounts.check_role("owner")


def test_login_throttling_locks_a_name_and_address_pair_for_15_minutes(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    accounts.add_user(db, "sam", "editor", PASSWORD)
    first, locked, other = "198.51.100.1", "198.51.100.2", "198.51.100.3"
    for _ in range(4):
        with pytest.raises(Unauthorized):
            accounts.login(db, "sam", "not the password", first)
    assert accounts.login(db, "sam", PASSWORD, first).name == "sam"  # 4 failures: no lockout

    for _ in range(5):
        with pytest.raises(Unauthorized):
            accounts.login(db, "sam", "not the password", locked)
    with pytest.raises(TooManyAttempts) as refused:  # even the right password, from there
        accounts.login(db, "sam", PASSWORD, locked)
    assert refused.value.http_status == 429
    assert 880 <= refused.value.retry_after <= 900
    assert accounts.login(db, "sam", PASSWORD, other).name == "sam"  # another address still can

    from_locked = [e for e in audit.entries(db, limit=1000) if e.address == locked]
    assert sum(e.action == "login_failed" for e in from_locked) == 5
    assert [e.action for e in from_locked if e.action.startswith("lockout")] == ["lockout"]
    assert "lockout_ended" not in _actions(db)

    # accounts.login reads the clock through its own module's `now` (imported by name)
    later = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=16)
    monkeypatch.setattr("fieldoffice.store.accounts.now", lambda: later)
    assert accounts.login(db, "sam", PASSWORD, locked).name == "sam"
    ended = [e for e in audit.entries(db, limit=1000) if e.action == "lockout_ended"]
    assert len(ended) == 1 and ended[0].address == locked and ended[0].target == "user sam"


def test_a_successful_login_starts_the_pair_afresh(db: Database) -> None:
    """Failures before a success do not count toward a lockout: 4, a success, 4 more is fine."""
    accounts.add_user(db, "kim", "editor", PASSWORD)
    where = "198.51.100.9"
    for _ in range(2):
        for _ in range(4):
            with pytest.raises(Unauthorized):
                accounts.login(db, "kim", "not the password", where)
        assert accounts.login(db, "kim", PASSWORD, where).name == "kim"
    assert "lockout" not in _actions(db)


# -- the draft ------------------------------------------------------------------------------
def test_an_edit_needs_the_current_etag_and_is_audited_field_by_field(db: Database) -> None:
    d1 = drafts.current(db)
    d2 = drafts.edit_office(db, "denver", {"name": NEW_NAME}, base=d1.etag, actor="ed",
                            address="203.0.113.5")  # fmt: skip
    assert (d2.revision, d2.etag) == (2, '"draft-2"')
    assert _office(d2.raw, "denver")["name"] == NEW_NAME
    assert _office(drafts.current(db).raw, "denver")["name"] == NEW_NAME
    edit = audit.entries(db)[0]
    assert (edit.action, edit.actor, edit.address, edit.target) == (
        "edit", "ed", "203.0.113.5", "office denver",
    )  # fmt: skip
    assert edit.detail["changes"] == [
        {"where": "office denver: name", "old": "Denver Office", "new": NEW_NAME}
    ]
    assert (edit.detail["base"], edit.detail["revision"]) == (1, 2)

    with pytest.raises(StaleEdit) as stale:
        drafts.edit_office(db, "denver", {"city": "Aurora"}, base=d1.etag, actor="al",
                           address="203.0.113.6")  # fmt: skip
    assert (stale.value.http_status, stale.value.code) == (412, "stale_draft")
    details = stale.value.details
    assert details["current_etag"] == d2.etag
    assert details["changes"] == edit.detail["changes"]
    assert [(r["revision"], r["by"]) for r in details["revisions"]] == [(2, "ed")]
    assert "office denver: name" in str(stale.value)

    with pytest.raises(PreconditionRequired) as missing:
        drafts.edit_office(db, "denver", {"city": "Aurora"}, base=None, actor="al", address="x")
    assert missing.value.http_status == 428
    head = drafts.current(db)
    assert head.revision == 2 and _office(head.raw, "denver")["city"] == "Denver"
    assert _actions(db) == ["edit", "seed"]


@pytest.mark.parametrize(
    "fields",
    [
        {"fax": "555-0100"},
        {"state": "Colorado"},
        {"lat": 500},
        {"state": "XX"},  # the shape of a USPS code, but none
    ],
    ids=["unknown-field", "state-not-a-code", "lat-out-of-range", "state-XX"],
)
def test_an_invalid_edit_stores_nothing(db: Database, fields: dict) -> None:
    with pytest.raises(InvalidInput):
        drafts.edit_office(db, "denver", fields, base='"draft-1"', actor="ed", address="x")
    assert _count(db, DraftRevision) == 1
    assert _actions(db) == ["seed"]
    assert _office(drafts.current(db).raw, "denver")["state"] == "CO"


def test_an_aor_typo_is_kept_as_an_empty_clause_that_lint_names(db: Database) -> None:
    d = drafts.edit_office(db, "denver", {"aor": f"{FULL_AOR}, Nothern Nevada"},
                           base='"draft-1"', actor="ed", address="x")  # fmt: skip
    territory = _office(d.raw, "denver")["territory"]
    assert {"phrase": "Nothern Nevada", "counties": []} in territory
    assert {"phrase": "Utah", "state": "UT"} in territory  # the rest still resolves
    review = versions.review(db)
    named = [e for e in review.errors if "Nothern Nevada" in e["message"]]
    assert named, review.errors

    with pytest.raises(Conflict) as refused:  # errors block a publish, acknowledged or not
        versions.publish(db, actor="pub", address="x", acknowledge_warnings=True)
    assert (refused.value.http_status, refused.value.code) == (409, "lint_errors")
    assert refused.value.details["errors"] == review.errors
    assert _count(db, Version) == 1


def test_two_edits_on_the_same_base_one_wins_the_other_is_stale(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    both_read = threading.Barrier(2, timeout=20)
    check = drafts._check

    def check_when_both_have_read(raw: dict) -> None:
        both_read.wait()  # each edit has read revision 1 and made its change: now race
        check(raw)

    monkeypatch.setattr(drafts, "_check", check_when_both_have_read)
    outcome: dict[str, object] = {}

    def edit(name: str) -> None:
        try:
            outcome[name] = drafts.edit_office(db, "denver", {"name": name}, base='"draft-1"',
                                               actor=name[-1], address="x")  # fmt: skip
        except Exception as exc:
            outcome[name] = exc

    threads = [threading.Thread(target=edit, args=(n,)) for n in ("Denver A", "Denver B")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    won = [n for n, r in outcome.items() if isinstance(r, drafts.Draft)]
    lost = [r for r in outcome.values() if not isinstance(r, drafts.Draft)]
    assert len(won) == 1, outcome
    assert len(lost) == 1 and isinstance(lost[0], StaleEdit), outcome
    head = drafts.current(db)
    assert head.revision == 2 and _office(head.raw, "denver")["name"] == won[0]  # no lost update
    assert _actions(db) == ["edit", "seed"]


# -- publishing -------------------------------------------------------------------------------
def test_publish_summaries_rollback_and_the_version_in_force(db: Database) -> None:
    shipped_warnings = versions.review(db).warnings
    assert shipped_warnings  # the shipped directory has warnings a publisher must acknowledge
    with pytest.raises(Conflict) as refused:
        versions.publish(db, actor="pub", address="x", acknowledge_warnings=False)
    assert (refused.value.http_status, refused.value.code) == (409, "warnings_not_acknowledged")
    assert refused.value.details["warnings"] == shipped_warnings
    with pytest.raises(Conflict) as nothing:
        versions.publish(db, actor="pub", address="x", acknowledge_warnings=True)
    assert nothing.value.code == "nothing_to_publish"

    d = drafts.edit_office(db, "denver", {"name": NEW_NAME}, base='"draft-1"', actor="ed",
                           address="x")  # fmt: skip
    drafts.edit_office(db, "san-francisco", {"aor": "Northern California"}, base=d.etag,
                       actor="ed", address="x")  # fmt: skip
    v2 = versions.publish(db, actor="pub", address="198.51.100.9", acknowledge_warnings=True)
    assert (v2.id, v2.published_by, v2.rollback_of) == (2, "pub", None)
    assert v2.effective_date == dt.datetime.now(dt.UTC).date().isoformat()
    en, es = v2.summary("en"), v2.summary("es")
    assert "Denver Office is now named Denver Field Office." in en
    assert "Denver Office ahora se llama Denver Field Office." in es
    moved = [s for s in en if s.endswith("counties moved from San Francisco Office to no office.")]
    assert moved == ["13 counties moved from San Francisco Office to no office."], en
    assert "13 condados pasaron de San Francisco Office a ninguna oficina." in es
    published = [e for e in audit.entries(db) if e.action == "publish"]
    assert len(published) == 1 and published[0].version == 2
    assert published[0].detail["summary"] == en
    with pytest.raises(Conflict) as again:
        versions.publish(db, actor="pub", address="x", acknowledge_warnings=True)
    assert again.value.code == "nothing_to_publish"

    first_toml = versions.get(db, 1)[1]
    v3 = versions.rollback(db, 1, actor="pub", address="x")
    assert (v3.id, v3.rollback_of) == (3, 1)
    assert versions.get(db, 3)[1] == first_toml
    assert "Rolled back to version 1." in v3.summary("en")
    assert "Denver Field Office is now named Denver Office." in v3.summary("en")
    assert drafts.current(db).toml == first_toml  # a draft with no edits of its own follows
    with pytest.raises(Conflict):
        versions.rollback(db, 3, actor="pub", address="x")  # the one in force already
    assert [v.id for v in versions.versions(db)] == [3, 2, 1]

    with pytest.raises(NotFound):
        versions.in_force(db, dt.date(2020, 2, 29))
    assert versions.in_force(db, dt.date(2020, 3, 1))[0].id == 1
    assert versions.in_force(db, dt.date(2021, 1, 1))[0].id == 1
    assert versions.in_force(db, dt.datetime.now(dt.UTC).date())[0].id == 3


# -- the audit log ------------------------------------------------------------------------------
def test_the_audit_log_refuses_update_and_delete(db: Database) -> None:
    before = [e.to_dict() for e in audit.entries(db)]
    assert before and before[-1]["action"] == "seed"
    for statement in (update(AuditEvent).values(actor="mallory"), delete(AuditEvent)):
        with pytest.raises(DBAPIError, match="append-only"), db.transaction() as s:
            s.execute(statement)
    with pytest.raises(DBAPIError, match="append-only"), db.transaction() as s:
        row = s.scalar(select(AuditEvent).limit(1))
        assert row is not None
        row.detail = "{}"  # through the ORM too
    assert [e.to_dict() for e in audit.entries(db)] == before


def test_the_audit_log_refuses_truncate_on_postgresql(postgres_url: str) -> None:
    store = open_database(postgres_url)
    try:
        with pytest.raises(DBAPIError, match="append-only"), store.transaction() as s:
            s.execute(text("TRUNCATE audit"))
        assert _actions(store) == ["seed"]
    finally:
        store.close()


# -- import and export --------------------------------------------------------------------------
def test_an_imported_file_is_kept_byte_for_byte(db: Database) -> None:
    shipped = default_path().read_text("utf-8")
    edited = "# kept as written, comments and all\n" + shipped.replace(
        'name = "Denver Office"', f'name  =  "{NEW_NAME}"   # renamed'
    )
    d = drafts.replace(db, edited, base='"draft-1"', actor="ed", address="x", action="import",
                       keep_text=True)  # fmt: skip
    assert d.revision == 2 and d.toml == edited
    assert drafts.current(db).toml == edited
    assert _office(drafts.current(db).raw, "denver")["name"] == NEW_NAME
    assert audit.entries(db)[0].action == "import"


def test_a_database_url_is_said_in_full(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """sqlite:///x.db (three slashes) is relative: every message must show where it really is."""
    from fieldoffice.store.database import resolve_url

    monkeypatch.chdir(tmp_path)
    assert resolve_url("sqlite:///tmp/x.db") == f"sqlite:///{tmp_path / 'tmp' / 'x.db'}"
    assert resolve_url("store.db") == f"sqlite:///{tmp_path / 'store.db'}"
    assert resolve_url("sqlite:////abs/x.db?timeout=5") == "sqlite:////abs/x.db?timeout=5"
    assert resolve_url("postgresql://u@h/d") == "postgresql+psycopg://u@h/d"


def test_a_publish_and_a_rollback_are_announced_after_they_commit(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    from fieldoffice.store import notify as published

    heard: list[tuple[int, int | None]] = []

    def announce(store: Database, version: int) -> bool:
        with store.transaction() as s:  # committed already: another connection sees it
            heard.append((version, s.scalar(select(func.max(Version.id)))))
        return False

    monkeypatch.setattr(published, "announce", announce)
    drafts.edit_office(db, "denver", {"name": NEW_NAME}, base='"draft-1"', actor="ed", address="x")
    v2 = versions.publish(db, actor="pub", address="x", acknowledge_warnings=True)
    v3 = versions.rollback(db, 1, actor="pub", address="x")
    assert heard == [(v2.id, v2.id), (v3.id, v3.id)]

    def unreachable(store: Database, version: int) -> bool:
        raise OSError("the channel is away")

    monkeypatch.setattr(published, "announce", unreachable)
    v4 = versions.rollback(db, 2, actor="pub", address="x")  # still published: the others poll
    assert versions.current_version(db) is not None and versions.current_version(db).id == v4.id  # type: ignore[union-attr]


def test_an_etag_the_draft_has_not_reached_is_said_to_be_no_revision_not_a_stale_edit(
    db: Database,
) -> None:
    with pytest.raises(StaleEdit) as ahead:
        drafts.edit_office(db, "denver", {"name": NEW_NAME}, base='"draft-3"', actor="ed",
                           address="x")  # fmt: skip
    assert ahead.value.http_status == 412
    assert str(ahead.value) == (
        '"draft-3" is not a revision this draft has had (it is at revision 1): '
        "GET the draft for its ETag"
    )
    assert ahead.value.details == {"current_etag": '"draft-1"'}
    assert "changed since" not in str(ahead.value)
    assert drafts.current(db).revision == 1 and _actions(db) == ["seed"]
