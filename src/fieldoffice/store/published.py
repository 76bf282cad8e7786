"""The store's published version as something to answer from: which version (the one in force
now, or on a day), and its context, loaded the way any directory file is. The command line
(`locate --database`) and the web server (`serve` in store mode) both come here. On PostgreSQL a
publish is announced to every serving process through LISTEN/NOTIFY (`announce`, `listen`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fieldoffice.core.errors import InvalidInput
from fieldoffice.store.database import Database
from fieldoffice.store.versions import current_version, in_force, materialize

if TYPE_CHECKING:
    from fieldoffice.directory.context import Context


def version_in_force(
    db: Database, as_of: dt.date | None = None, *, hint: str | None = None
) -> tuple[int, str]:
    """The id and text of the version in force on `as_of` (else the newest). NotFound when none
    was in force that day; InvalidInput (with `hint`) when the store has no published version."""
    if as_of is not None:
        info, toml = in_force(db, as_of)
        return info.id, toml
    v = current_version(db)
    if v is None:
        raise InvalidInput(f"the database {db.shown} holds no published version", hint=hint)
    return v.id, v.toml


def version_context(toml: str) -> Context:
    """The context of a version's text: written once as a file in the cache folder
    (content-addressed, so every process shares it and its snapshots), then loaded."""
    from fieldoffice.core.snapshot import cache_root
    from fieldoffice.directory.context import load_context

    return load_context(materialize(toml, Path(cache_root()) / "published"))


# -- telling other processes of a publish (PostgreSQL LISTEN/NOTIFY) ---------------------------
CHANNEL = "fieldoffice_published"


def announce(db: Database, version: int) -> bool:
    """Tell every process listening on this PostgreSQL store that `version` is published (its
    id is the payload). Call it after the publish has committed; a NOTIFY outside a transaction
    is delivered at once. SQLite has no such channel: False, and the others poll."""
    if db.dialect != "postgresql":
        return False
    from sqlalchemy import text

    with db.engine.connect() as connection:
        connection.execute(text("SELECT pg_notify(:channel, :version)"),
                           {"channel": CHANNEL, "version": str(version)})  # fmt: skip
        connection.commit()
    return True


def listen(db: Database, heard: Callable[[int | None], None], stop: Callable[[], bool],
           wait: float = 1.0) -> None:  # fmt: skip
    """Call `heard(version)` for each publish announced on this PostgreSQL store, until `stop()`
    says so (checked every `wait` seconds). Runs in the caller's thread, on its own connection;
    raises if the connection is lost (the caller falls back to polling and listens again)."""
    conn = db.engine.raw_connection()
    raw: Any = conn.driver_connection
    try:
        conn.detach()  # its own session for LISTEN: never returned to the pool
        raw.rollback()  # (the pool's liveness check may have left a transaction open)
        raw.autocommit = True
        raw.execute(f"LISTEN {CHANNEL}")
        while not stop():
            for note in raw.notifies(timeout=wait, stop_after=1):
                heard(int(note.payload) if note.payload.isdigit() else None)
    finally:
        raw.close()
