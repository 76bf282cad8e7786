"""The store's published version as something to answer from: which version (the one in force
now, or on a day), and its context, loaded the way any directory file is. The command line
(`locate --database`) and the web server (`serve` in store mode) both come here. On PostgreSQL a
publish is announced to every serving process through LISTEN/NOTIFY (store/notify.py)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from fieldoffice.core.errors import InvalidInput
from fieldoffice.store.database import Database
from fieldoffice.store.versions import current_version, in_force

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
    """The context of a version's text, loaded from its file in the cache folder."""
    from fieldoffice.core.snapshot import version_file
    from fieldoffice.directory.context import load_context

    return load_context(version_file(toml))
