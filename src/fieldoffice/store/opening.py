"""Opening the store: migrated to the newest schema, and seeded from a directory file the first
time (each version of a folder, oldest first)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from fieldoffice.core.errors import DataError
from fieldoffice.store.database import Database, resolve_url, utc
from fieldoffice.store.tables import Version
from fieldoffice.store.versions import current_version, file_text, import_version


def open_database(url: str | None = None, *, seed_from: Path | None = None) -> Database:
    """The store at `url` (see resolve_url), migrated; an empty one is seeded from `seed_from`
    (else the shipped directory). A store that holds a directory already is never overwritten by
    `seed_from`: if it differs, this says how to bring it in (`fieldoffice db import`)."""
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
    from fieldoffice.directory.file import (
        default_path,
        directory_files,
        effective_date_of,
        is_folder,
    )

    source = path or default_path()
    files = (
        sorted(directory_files(source), key=effective_date_of) if is_folder(source) else [source]
    )
    for f in files:
        import_version(db, f, actor="seed", address="local", action="seed")


def _check_same(db: Database, path: Path) -> None:
    from fieldoffice.directory.file import is_folder

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
