"""The audit log: who did what, when, from where, on which version. Append-only: the product
only inserts, and the database refuses UPDATE and DELETE (a trigger, on SQLite and PostgreSQL).
Passwords and tokens are never part of an entry."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from fieldoffice.store.database import Database, now, utc
from fieldoffice.store.tables import AuditEvent

ACTIONS = (
    "seed", "import", "edit", "upload", "publish", "rollback", "login", "login_failed",
    "lockout", "lockout_ended", "logout", "user_added", "role_changed", "password_changed",
    "token_created", "token_revoked",
)  # fmt: skip


@dataclass(frozen=True)
class AuditEntry:
    id: int
    at: str  # ISO 8601, UTC
    actor: str
    address: str
    action: str
    target: str
    version: int | None
    detail: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def record(s: Session, *, actor: str, address: str, action: str, target: str,
           detail: dict[str, Any] | None = None, version: int | None = None) -> None:  # fmt: skip
    """Add an entry in the caller's transaction: it commits with the change it describes."""
    assert action in ACTIONS, action
    s.add(AuditEvent(at=now(), actor=actor[:64], address=address[:64], action=action,
                     target=target, version_id=version,
                     detail=json.dumps(detail or {}, ensure_ascii=False, sort_keys=True, default=str)))  # fmt: skip


def _entry(e: AuditEvent) -> AuditEntry:
    return AuditEntry(e.id, utc(e.at).isoformat(timespec="seconds"), e.actor, e.address, e.action,
                      e.target, e.version_id, json.loads(e.detail))  # fmt: skip


def entries(db: Database, *, limit: int = 200, before: int | None = None) -> list[AuditEntry]:
    """The newest entries first; `before`: only entries older than that id (the next page)."""
    q = select(AuditEvent).order_by(AuditEvent.id.desc()).limit(max(1, min(limit, 1000)))
    if before is not None:  # (past the largest id a database holds: everything is before it)
        q = q.where(AuditEvent.id < min(max(before, 0), 2**31 - 1))
    with db.transaction() as s:
        return [_entry(e) for e in s.scalars(q)]


def json_lines(db: Database) -> Iterator[str]:
    """Every entry, oldest first, one JSON object per line."""
    last = 0
    while True:
        with db.transaction() as s:
            batch = list(s.scalars(select(AuditEvent).where(AuditEvent.id > last)
                                   .order_by(AuditEvent.id).limit(1000)))  # fmt: skip
            if not batch:
                return
            for e in batch:
                yield json.dumps(_entry(e).to_dict(), ensure_ascii=False) + "\n"
            last = batch[-1].id
