"""The store's publish channel (store/published.py): on PostgreSQL an announced version reaches
every listener at once; on SQLite nothing is announced and the servers poll."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from fieldoffice.store.database import Database
from fieldoffice.store.notify import announce, listen


def test_an_announced_version_reaches_a_listener_at_once(postgres_url: str) -> None:
    db = Database(postgres_url)
    heard: list[tuple[int | None, float]] = []
    stop = threading.Event()
    listener = threading.Thread(
        target=listen, args=(db, lambda v: heard.append((v, time.monotonic())), stop.is_set, 0.1)
    )
    listener.start()
    try:
        time.sleep(0.5)  # listening
        sent = time.monotonic()
        assert announce(db, 42)
        deadline = time.monotonic() + 5
        while not heard and time.monotonic() < deadline:
            time.sleep(0.01)
    finally:
        stop.set()
        listener.join(5)
        db.close()
    assert heard and heard[0][0] == 42
    assert heard[0][1] - sent < 0.5


def test_sqlite_announces_nothing(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'store.db'}")
    assert announce(db, 1) is False
    db.close()
