"""The store's tables. Alembic's migrations (migrations/versions) create them; this module is
what the code reads and writes through. A change here needs a new migration."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Meta(Base):
    """Settings the store keeps for itself (the CSRF signing secret)."""

    __tablename__ = "meta"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[str] = mapped_column(String(16))  # editor | publisher | admin
    password_hash: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class Token(Base):
    """An API token, kept only as its SHA-256: the token itself is shown once, when made."""

    __tablename__ = "tokens"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class Session(Base):
    """A signed-in browser, kept as the SHA-256 of its cookie."""

    __tablename__ = "sessions"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class DraftRevision(Base):
    """Every state the draft has had; the highest revision is the draft. An edit names the
    revision it was based on, so a stale one is refused with what changed since."""

    __tablename__ = "draft_revisions"
    revision: Mapped[int] = mapped_column(Integer, primary_key=True)
    toml: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[str] = mapped_column(String(64))
    what: Mapped[str] = mapped_column(Text)  # "office denver: name" (the audit has the values)


class Version(Base):
    """A published directory: immutable. A rollback publishes an earlier one's content again."""

    __tablename__ = "versions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    published_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    published_by: Mapped[str] = mapped_column(String(64))
    effective_date: Mapped[str] = mapped_column(String(10))  # YYYY-MM-DD, as in the file
    toml: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    changes: Mapped[str] = mapped_column(Text)  # JSON: the diff from the version before
    rollback_of: Mapped[int | None] = mapped_column(Integer, nullable=True)


class AuditEvent(Base):
    """Append-only: a trigger refuses UPDATE and DELETE (SQLite and PostgreSQL)."""

    __tablename__ = "audit"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    actor: Mapped[str] = mapped_column(String(64))
    address: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(32))
    target: Mapped[str] = mapped_column(Text)
    version_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    detail: Mapped[str] = mapped_column(Text)  # JSON: a field-level diff, or what happened


class LoginFailure(Base):
    __tablename__ = "login_failures"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    address: Mapped[str] = mapped_column(String(64))
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class Lockout(Base):
    __tablename__ = "lockouts"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    address: Mapped[str] = mapped_column(String(64))
    until: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    ended: Mapped[int] = mapped_column(Integer, default=0)  # 1 once its end is in the audit


class LoginThrottle(Base):
    """Sign-in attempts of one account (or the keyed hash of a name that is none) from one
    network (an IPv4 address, an IPv6 /64): counted before the password is checked, under a row
    lock, so racing attempts never check more passwords than the limit."""

    __tablename__ = "login_throttle"
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    window_start: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    locked_until: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class StoreLock(Base):
    """A row each process updates first in a transaction to take a lock held until it ends
    ('publish': one publish or rollback at a time, across processes)."""

    __tablename__ = "store_locks"
    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    taken: Mapped[int] = mapped_column(Integer, default=0)
