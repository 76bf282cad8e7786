"""The command line's Typer app, the options its commands share, and the helpers they print with.

Each command lives in the module of its stage (lookup, editing, batch, serve, users, db);
`fieldoffice.cli` registers them on this app in the order `--help` lists them, and `main` (main.py)
runs it, turning errors into one line on stderr and an exit code.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from fieldoffice.cli.terminal import safe
from fieldoffice.core.answer import DirectoryVersion
from fieldoffice.core.errors import InvalidInput
from fieldoffice.directory.context import DIRECTORY_ENV, Context, load_context
from fieldoffice.lookup.render import wrap_text

if TYPE_CHECKING:
    from fieldoffice.store.database import Database

app = typer.Typer(
    help="Which field office is responsible for this place, and how do I reach it for real?",
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)

DirectoryOpt = Annotated[
    Path | None,
    typer.Option(
        "--directory",
        envvar=DIRECTORY_ENV,
        help="Directory file to use instead of the shipped one.",
    ),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")]
VerboseOpt = Annotated[
    bool,
    typer.Option("--verbose", "-v", help="Also say which directory version answered."),
]
StoreOpt = Annotated[
    str | None,
    typer.Option(
        "--database",
        metavar="URL",
        help="The editors' store to answer from (default: $FIELDOFFICE_DATABASE, else the "
        "store in the user data folder if there is one, else the shipped directory).",
    ),
]
DatabaseOpt = Annotated[
    str | None,
    typer.Option(
        "--database",
        metavar="URL",
        help="sqlite:///PATH, postgresql://USER@HOST/NAME or a file path (default: "
        "$FIELDOFFICE_DATABASE, else fieldoffice.db in the user data folder).",
    ),
]


def _version(value: bool) -> None:
    if value:
        from fieldoffice import __version__

        sys.stdout.write(f"fieldoffice {__version__}\n")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version.")
    ] = False,
) -> None:
    """Which field office is responsible for this place, and how do I reach it for real?"""


def say(text: str) -> None:
    """A line (or lines) of text that may hold stored or typed words, safe to print: control
    and invisible characters escaped (cli/terminal.py), line breaks kept."""
    sys.stdout.write(safe(text, keep_newlines=True) + "\n")


def print_warnings(ctx: Context) -> None:
    """The directory's scam notices, after anything that shows its phone numbers."""
    for notice in ctx.directory.notices:
        if notice.kind == "scam":
            say("\n" + wrap_text("!! " + notice.text, indent=""))


def parse_date(text: str | None) -> dt.date | None:
    """--as-of's date, or None."""
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise InvalidInput(
            f"--as-of {text!r} is not a date", hint="write it as YYYY-MM-DD"
        ) from exc


# -- the directory every command answers from ----------------------------------------------------
def directory_in_force(
    directory: Path | None = None, database: str | None = None, as_of: dt.date | None = None
) -> tuple[Context, DirectoryVersion]:
    """The directory `serve` answers from, and which version it is: `--directory` (or
    $FIELDOFFICE_DIRECTORY) if given; else the store's version in force (`--database`, else
    $FIELDOFFICE_DATABASE, else the store in the user data folder when there is one); else the
    shipped file. An unchanged store costs a read of one row and the snapshots, not a compile."""
    from fieldoffice.directory.context import resolve_directory_path

    if database is not None and directory is not None:
        raise InvalidInput("give --directory or --database, not both")
    path = resolve_directory_path(directory)
    url = None if path is not None else (database or store_in_use())
    if url is None:
        ctx = load_context(path, as_of=as_of)
        d = ctx.directory
        return ctx, DirectoryVersion("file", d.effective_date.isoformat(), str(d.path))
    found = None if as_of is not None else _newest_from_sqlite(url)
    if found is None:
        found = _from_store(url, as_of)
    number, effective, shown, toml = found
    from fieldoffice.core.snapshot import version_file

    ctx = load_context(version_file(toml))
    return ctx, DirectoryVersion("store", effective, shown, number)


def store_in_use() -> str | None:
    """$FIELDOFFICE_DATABASE, else the default store's URL if its file exists, else None."""
    import os

    chosen = os.environ.get("FIELDOFFICE_DATABASE")  # store.database.DATABASE_ENV
    if chosen:
        return chosen
    from platformdirs import user_data_dir

    default = Path(user_data_dir("fieldoffice", appauthor=False)) / "fieldoffice.db"
    return f"sqlite:///{default}" if default.is_file() else None


def _sqlite_file(url: str) -> Path | None:
    """The file of a SQLite store's URL or path (None: not SQLite, or not a plain file)."""
    if "://" not in url:
        return Path(url).expanduser()
    if url.startswith("sqlite:///") and "?" not in url:
        rest = url[len("sqlite:///") :]
        return Path(rest) if rest and not rest.startswith(":") else None
    return None


def _newest_from_sqlite(url: str) -> tuple[int, str, str, str] | None:
    """(id, effective date, shown URL, text) of a SQLite store's newest version, read with the
    standard library (SQLAlchemy and the migration check cost more than the whole lookup); None
    when that read is not possible (no file, an older schema, no version): the store opens
    properly then, and says what is wrong."""
    import sqlite3

    file = _sqlite_file(url)
    if file is None or not file.is_file():
        return None
    try:
        con = sqlite3.connect(f"{file.resolve().as_uri()}?mode=ro", uri=True, timeout=30)
        try:
            row = con.execute(
                "SELECT id, effective_date, toml FROM versions ORDER BY id DESC LIMIT 1"
            ).fetchone()
        finally:
            con.close()
    except sqlite3.Error:
        return None
    if row is None:
        return None
    return int(row[0]), str(row[1]), f"sqlite:///{file.resolve()}", str(row[2])


def _from_store(url: str, as_of: dt.date | None) -> tuple[int, str, str, str]:
    """The version in force (on `as_of`, else now) through the store itself (migrated first)."""
    from fieldoffice.store.published import version_in_force
    from fieldoffice.store.versions import get

    with open_store(url) as db:
        number, toml = version_in_force(
            db, as_of, hint="run `fieldoffice db import FILE --publish`"
        )
        info, _ = get(db, number)
        return number, info.effective_date, db.shown, toml


def with_version(obj: Any, version: DirectoryVersion) -> dict[str, Any]:
    """A JSON object (a dataclass or dict) with the directory version it came from added."""
    import orjson

    return {**orjson.loads(orjson.dumps(obj)), "directory_version": version}


def say_version(version: DirectoryVersion, *, to_stderr: bool = False) -> None:
    """--verbose: which directory version answered, one line."""
    (sys.stderr if to_stderr else sys.stdout).write(f"Answered from {version.label()}\n")


# -- shared by the editors' store's commands (users, db) -------------------------------------------
ADDRESS = "local"  # the audit's "from where" for everything done on this machine's command line


def actor() -> str:
    """Who the audit names for a command: cli:<the OS user>."""
    import getpass

    try:
        return f"cli:{getpass.getuser()}"
    except Exception:  # no user name in the environment or the password database
        return "cli"


@contextmanager
def open_store(url: str | None) -> Iterator[Database]:
    """The store at --database (or $FIELDOFFICE_DATABASE, or the default), closed afterwards."""
    from fieldoffice.store.opening import open_database

    db = open_database(url)
    try:
        yield db
    finally:
        db.close()


def table(headers: tuple[str, ...], rows: Sequence[tuple[str, ...]]) -> None:
    """Plain columns, as wide as their widest cell (easy to read, easy to grep)."""
    widths = [max(len(safe(r[i])) for r in [headers, *rows]) for i in range(len(headers))]
    for r in [headers, *rows]:
        say("  ".join(safe(c).ljust(w) for c, w in zip(r, widths, strict=True)).rstrip())
