"""The db commands: the editors' store's versions: import, export, publish, roll back, audit."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from fieldoffice.cli.app import ADDRESS, DatabaseOpt, JsonOpt, actor, open_store, table
from fieldoffice.cli.terminal import emit, json_safe, safe, safe_row
from fieldoffice.core.errors import InvalidInput, NotFound
from fieldoffice.core.files import write_atomically

if TYPE_CHECKING:
    from fieldoffice.store.database import Database
    from fieldoffice.store.versions import VersionInfo

db_app = typer.Typer(
    help="The editors' store: import, export, versions, rollback, audit log. The database is "
    "--database URL, else $FIELDOFFICE_DATABASE, else fieldoffice.db in the user data folder.",
    no_args_is_help=True,
    rich_markup_mode=None,
)


def _version_of(db: Database, number: int) -> tuple[VersionInfo, str]:
    """Published version `number` (its info and text), or NotFound saying how to list them."""
    from fieldoffice.store import versions

    try:
        return versions.get(db, number)
    except NotFound as exc:
        raise NotFound(exc.message, hint="`fieldoffice db versions` lists them") from None


@db_app.command("export")
def db_export(
    output: Annotated[
        Path,
        typer.Option("--output", "-o", metavar="FILE", help="File to write, or - for stdout."),
    ],
    draft: Annotated[bool, typer.Option("--draft", help="Write the draft instead.")] = False,
    version: Annotated[
        int | None,
        typer.Option("--version", metavar="N", help="Write this published version instead."),
    ] = None,
    database: DatabaseOpt = None,
) -> None:
    """Write the published directory file, byte for byte.

    The version in force, or the draft (--draft), or version N (--version N), exactly as the store
    holds it. The file is written whole or not at all.
    """
    from fieldoffice.store import drafts, versions

    if draft and version is not None:
        raise InvalidInput("--draft and --version cannot be used together", hint="choose one")
    with open_store(database) as db:
        if draft:
            d = drafts.current(db)
            text, what = d.toml, f"the draft (revision {d.revision})"
        elif version is not None:
            info, text = _version_of(db, version)
            what = f"version {info.id}"
        else:
            held = versions.current_version(db)
            if held is None:
                raise NotFound("the store has no published version",
                               hint="publish one with `fieldoffice db import FILE --publish`")  # fmt: skip
            text, what = held.toml, f"version {held.id}"
    data = text.encode("utf-8")
    if str(output) == "-":
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    write_atomically(output, data, hint="give a file name, e.g. -o offices.geojson")
    sys.stderr.write(f"wrote {what} to {safe(output)} ({len(data):,} bytes)\n")


def _print_findings(details: object) -> None:
    """Lint's findings that held a publish back, one per line, on stderr."""
    from fieldoffice.editing.lint import finding_line

    if not isinstance(details, dict):
        return
    for severity in ("errors", "warnings"):
        for f in details.get(severity) or []:
            sys.stderr.write(safe(finding_line(f)) + "\n")


@db_app.command("import")
def db_import(
    file: Annotated[Path, typer.Argument(metavar="FILE", help="A directory file (TOML or JSON).")],
    publish: Annotated[
        bool, typer.Option("--publish", help="Also publish it (lint must find no errors).")
    ] = False,
    acknowledge_warnings: Annotated[
        bool,
        typer.Option(
            "--acknowledge-warnings",
            help="With --publish: publish even though lint finds warnings (gaps, overlaps).",
        ),
    ] = False,
    database: DatabaseOpt = None,
) -> None:
    """Make a directory file the draft; --publish publishes it.

    The file is kept byte for byte, comments and all: `db export` gives it back as it was. Exit code 1 when the publish is refused (lint errors, or warnings not acknowledged: they are
    listed); the file stays the draft.
    """
    from fieldoffice.core.errors import Conflict
    from fieldoffice.store import drafts, versions

    text, _ = versions.file_text(file)  # read and checked before the store is touched
    who = actor()
    with open_store(database) as db:
        base = drafts.current(db)
        d = drafts.replace(db, text, base=base.etag, actor=who, address=ADDRESS,
                           action="import", keep_text=True)  # fmt: skip
        if d.revision == base.revision and d.toml == base.toml:
            print(f"{safe(file)} is the draft already (revision {d.revision})")
        else:
            print(f"imported {safe(file)} as the draft (revision {d.revision})")
        if not publish:
            if acknowledge_warnings:
                sys.stderr.write(
                    "fieldoffice: --acknowledge-warnings is used only with --publish\n"
                )
            print("to publish it: fieldoffice db import FILE --publish (or publish from the site)")
            return
        try:
            info = versions.publish(db, actor=who, address=ADDRESS,
                                    acknowledge_warnings=acknowledge_warnings, base=d.etag)  # fmt: skip
        except Conflict as exc:
            if exc.code == "nothing_to_publish":
                print(f"{safe(file)} is the published version already: nothing to publish")
                return
            _print_findings(exc.details)
            if exc.code == "warnings_not_acknowledged":
                raise Conflict(exc.message, hint="read them, then add --acknowledge-warnings; "
                               "the file is the draft now") from None  # fmt: skip
            raise Conflict(exc.message, hint="fix the file and import it again; it is the draft "
                           "now, not published") from None  # fmt: skip
    print(f"published version {info.id}:")
    for line in info.summary():
        print(f"  {safe(line)}")


@db_app.command("versions")
def db_versions(as_json: JsonOpt = False, database: DatabaseOpt = None) -> None:
    """List the published versions, newest first.

    Each with its id, when and by whom it was published, and what it changed.
    """
    from fieldoffice.store import versions

    with open_store(database) as db:
        found = versions.versions(db)
    if as_json:
        emit([v.to_dict() for v in found])
        return
    rows = []
    for v in found:
        said = v.summary()
        first = (said[0] if said else "") + (f" (+{len(said) - 1} more)" if len(said) > 1 else "")
        rows.append((str(v.id), v.published_at, v.published_by, first))
    table(("id", "published", "by", "what changed"), [safe_row(r) for r in rows])


@db_app.command("audit")
def db_audit(
    jsonl: Annotated[
        bool, typer.Option("--jsonl", help="Every entry as JSON Lines, oldest first.")
    ] = False,
    limit: Annotated[
        int,
        typer.Option(
            "--limit", metavar="N", help="How many of the newest entries the table shows."
        ),
    ] = 200,
    database: DatabaseOpt = None,
) -> None:
    """Show the audit log: who did what, when, from where.

    A table, newest first, or with --jsonl every entry as JSON Lines, oldest first. Passwords and
    tokens are never in it.
    """
    from fieldoffice.store import audit

    if limit < 1:
        raise InvalidInput("--limit must be at least 1")
    with open_store(database) as db:
        if jsonl:
            for line in audit.json_lines(db):  # (JSON, its strings escaped for a terminal)
                sys.stdout.write(json_safe(line))
            return
        found = audit.entries(db, limit=limit)
    rows = [(str(e.id), e.at, e.actor, e.address, e.action, e.target) for e in found]
    table(("id", "at", "actor", "from", "action", "target"), [safe_row(r) for r in rows])
    if len(found) == limit:
        sys.stderr.write(f"(the newest {limit} entries; --limit N for more, --jsonl for all)\n")


@db_app.command("rollback")
def db_rollback(
    version: Annotated[int, typer.Argument(metavar="N", help="The version to publish again.")],
    yes: Annotated[
        bool, typer.Option("--yes", help="Do it (without it, nothing is done).")
    ] = False,
    database: DatabaseOpt = None,
) -> None:
    """Publish version N's content again, as a new version.

    Servers on this database follow at once. A draft with unpublished edits is left as it is.
    """
    from fieldoffice.store import versions

    if not 1 <= version <= versions.MAX_ID:
        raise InvalidInput(f"there is no version {str(version)[:30]}: versions are numbered from 1 to {versions.MAX_ID:,}",
                           hint="`fieldoffice db versions` lists them")  # fmt: skip
    with open_store(database) as db:
        info, _ = _version_of(db, version)
        if not yes:
            raise InvalidInput(
                f"rolling back publishes version {info.id} (published {info.published_at} by "
                f"{info.published_by}) again as a new version",
                hint="add --yes to do it",
            )
        new = versions.rollback(db, version, actor=actor(), address=ADDRESS)
    print(f"published version {new.id}, the content of version {version}:")
    for line in new.summary():
        print(f"  {safe(line)}")


@db_app.command("info")
def db_info(database: DatabaseOpt = None) -> None:
    """Show the database, its versions and its draft."""
    from fieldoffice.store import drafts, versions

    with open_store(database) as db:
        found = versions.versions(db)
        d = drafts.current(db)
        held = versions.current_version(db)
        shown, dialect = db.shown, db.dialect
    print(f"database:  {safe(shown)}")
    print(f"dialect:   {dialect}")
    print(f"versions:  {len(found)}")
    if found:
        v = found[0]
        print(f"in force:  version {v.id}, published {v.published_at} by {safe(v.published_by)}")
    same = held is not None and held.toml == d.toml
    print(f"draft:     revision {d.revision}, {d.updated_at} by {safe(d.updated_by)}"
          f"{' (the version in force)' if same else ' (not published)'}")  # fmt: skip
