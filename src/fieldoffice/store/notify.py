"""Telling every serving process of a publish: PostgreSQL LISTEN/NOTIFY on one channel. SQLite
has none; its processes poll (web/live.py). Below versions.py, which announces after a commit,
and published.py, which hands these on to the web."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fieldoffice.store.database import Database

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
