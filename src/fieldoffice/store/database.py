"""Opening the store: the URL, the engine, the migrations (run at every open) and the first
seeding from a directory file."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, func, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from fieldoffice.errors import DataError

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
    return chosen


class Database:
    """One database: its engine and sessions. `transaction()` is the unit of work: every change
    and its audit entry commit together or not at all."""

    def __init__(self, url: str) -> None:
        self.url = url
        kwargs: dict[str, Any] = {"pool_pre_ping": True}
        if url.startswith("sqlite"):
            path = url.split("///", 1)[1] if "///" in url else ""
            if path and path != ":memory:":
                try:
                    Path(path).parent.mkdir(parents=True, exist_ok=True)
                except OSError as exc:
                    raise DataError(f"cannot create the folder for the database {path}: {exc.strerror}",
                                    hint="give --database a path you can write to") from exc  # fmt: skip
            kwargs["connect_args"] = {"timeout": 30, "check_same_thread": False}
        try:
            self.engine: Engine = create_engine(url, **kwargs)
        except (SQLAlchemyError, ImportError, ValueError) as exc:
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


def open_database(url: str | None = None, *, seed_from: Path | None = None) -> Database:
    """The store at `url` (see resolve_url), migrated; an empty one is seeded from `seed_from`
    (else the shipped directory). A store that holds a directory already is never overwritten by
    `seed_from`: if it differs, this says how to bring it in (`fieldoffice db import`)."""
    from fieldoffice.store.tables import Version

    db = Database(resolve_url(url))
    db.migrate()
    with db.transaction() as s:
        empty = not s.scalar(select(func.count()).select_from(Version))
    if empty:
        seed(db, seed_from)
    elif seed_from is not None:
        _check_same(db, seed_from)
    return db


def seed(db: Database, path: Path | None) -> None:
    """Publish the directory file (or each version of a folder, oldest first) as the store's
    first version(s), and make the draft the newest of them."""
    from fieldoffice.directory import default_path, directory_files, effective_date_of, is_folder
    from fieldoffice.store.versions import import_version

    source = path or default_path()
    files = (
        sorted(directory_files(source), key=effective_date_of) if is_folder(source) else [source]
    )
    for f in files:
        import_version(db, f, actor="seed", address="local", action="seed")


def _check_same(db: Database, path: Path) -> None:
    from fieldoffice.directory import is_folder
    from fieldoffice.store.versions import current_version, file_text

    if is_folder(path):
        return  # a folder seeds an empty store only; later versions come through publishing
    held = current_version(db)
    if held is not None and file_text(path)[0] != held.toml:
        raise DataError(
            f"the database {db.shown} already holds a directory (version {held.id}, published "
            f"{utc(held.published_at):%Y-%m-%d %H:%M} UTC by {held.published_by}), not {path}",
            hint=f"to publish the file through the store run `fieldoffice db import {path} --publish`; "
            "to serve the file alone, leave out --database",
        )
