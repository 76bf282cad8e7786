"""The store's database: the URL, the engine, sessions and the migrations (run at every open;
opening.py opens, migrates and seeds)."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from fieldoffice.core.errors import DataError

DATABASE_ENV = "FIELDOFFICE_DATABASE"
MIGRATIONS = Path(__file__).parent / "migrations"


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def utc(t: dt.datetime) -> dt.datetime:
    """A time read back from the store, in UTC (SQLite gives it back without its zone)."""
    return t.replace(tzinfo=dt.UTC) if t.tzinfo is None else t.astimezone(dt.UTC)


def default_url() -> str:
    """A SQLite file in the user data folder ($XDG_DATA_HOME/fieldoffice on Linux)."""
    from platformdirs import user_data_dir

    folder = Path(user_data_dir("fieldoffice", appauthor=False))
    return f"sqlite:///{folder / 'fieldoffice.db'}"


def resolve_url(url: str | None) -> str:
    """`url`, else $FIELDOFFICE_DATABASE, else the default; a plain path is a SQLite file, and
    postgresql:// uses psycopg 3."""
    chosen = url or os.environ.get(DATABASE_ENV) or default_url()
    if "://" not in chosen:
        return f"sqlite:///{Path(chosen).expanduser().resolve()}"
    for prefix in ("postgresql://", "postgres://"):
        if chosen.startswith(prefix):
            return "postgresql+psycopg://" + chosen[len(prefix) :]
    if chosen.startswith("sqlite:///") and not chosen.startswith("sqlite:////"):
        # a relative path (three slashes): said in full, so every message shows where it is
        rest = chosen[len("sqlite:///") :]
        if rest and rest != ":memory:" and not rest.startswith(":"):
            path, _, query = rest.partition("?")
            chosen = f"sqlite:///{Path(path).expanduser().resolve()}" + (
                f"?{query}" if query else ""
            )
    return chosen


class Database:
    """One database: its engine and sessions. `transaction()` is the unit of work: every change
    and its audit entry commit together or not at all."""

    def __init__(self, url: str) -> None:
        self.url = url
        kwargs: dict[str, Any] = {"pool_pre_ping": True}
        if url.startswith("sqlite"):
            path = url.split("///", 1)[1] if "///" in url else ""
            if path and path != ":memory:" and not path.startswith("file:"):
                try:
                    _create_private(Path(path.split("?", 1)[0]))
                except OSError as exc:
                    raise DataError(f"cannot create the folder for the database {path}: {exc.strerror}",
                                    hint="give --database a path you can write to") from exc  # fmt: skip
            kwargs["connect_args"] = {"timeout": 30, "check_same_thread": False}
        try:
            self.engine: Engine = create_engine(url, **kwargs)
        except ImportError as exc:
            hint = ("install PostgreSQL support: pip install 'fieldoffice[postgresql]'" if "psycopg" in str(exc)
                    else "use sqlite:///PATH or postgresql://USER@HOST/NAME")  # fmt: skip
            raise DataError(f"cannot use the database URL {self.shown}: {exc}", hint=hint) from exc
        except (SQLAlchemyError, ValueError) as exc:
            raise DataError(f"cannot use the database URL {self.shown}: {exc}",
                            hint="write it as sqlite:///PATH or postgresql://USER@HOST/NAME") from exc  # fmt: skip
        if self.engine.dialect.name == "sqlite":
            event.listen(self.engine, "connect", _sqlite_settings)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)

    @property
    def shown(self) -> str:
        """The URL without its password, for messages."""
        try:
            from sqlalchemy.engine import make_url

            return make_url(self.url).render_as_string(hide_password=True)
        except Exception:  # an unreadable URL: show its scheme only
            return self.url.split("://", 1)[0] + "://..."

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        with self.sessions.begin() as session:
            yield session

    @contextmanager
    def locked(self, name: str = "publish") -> Iterator[Session]:
        """A transaction holding the store lock `name` until it ends, across processes: its
        first statement updates the lock's row (PostgreSQL locks the row; SQLite takes its one
        write lock, waiting for it rather than failing, as nothing was read before)."""
        from sqlalchemy import update

        from fieldoffice.store.tables import StoreLock

        with self.sessions.begin() as session:
            session.execute(update(StoreLock).where(StoreLock.name == name)
                            .values(taken=StoreLock.taken + 1))  # fmt: skip
            yield session

    def migrate(self) -> None:
        """Bring the schema to the newest migration (nothing to do when it is there)."""
        from alembic import command
        from alembic.config import Config

        cfg = Config()
        cfg.set_main_option("script_location", str(MIGRATIONS))
        try:
            with self.engine.begin() as connection:
                cfg.attributes["connection"] = connection
                command.upgrade(cfg, "head")
        except SQLAlchemyError as exc:
            raise DataError(f"cannot open the database {self.shown}: {_reason(exc)}",
                            hint="check that it is running and that the URL, user and rights are right") from exc  # fmt: skip

    def close(self) -> None:
        self.engine.dispose()


def _create_private(path: Path) -> None:
    """The store's folder and file, made readable by their owner only (the file holds the CSRF
    secret and the audit's addresses): a new folder 0700, a new file 0600. SQLite gives its
    -wal and -shm files the database file's mode."""
    if not path.parent.exists():
        path.parent.mkdir(parents=True, mode=0o700, exist_ok=True)
    if not path.exists():
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))


def _reason(exc: SQLAlchemyError) -> str:
    orig = getattr(exc, "orig", None)
    text = str(orig or exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


def _sqlite_settings(dbapi_connection: Any, _record: Any) -> None:
    # WAL: readers (every server process) never wait for the one writer
    cur = dbapi_connection.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.close()
