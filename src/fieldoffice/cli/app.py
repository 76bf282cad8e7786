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

from fieldoffice.core.errors import InvalidInput
from fieldoffice.directory.context import DIRECTORY_ENV, Context
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


def emit(obj: Any) -> None:
    """One JSON line; dataclasses (answers, offices) serialise as their fields."""
    import orjson

    sys.stdout.write(orjson.dumps(obj).decode() + "\n")


def print_warnings(ctx: Context) -> None:
    """The directory's scam notices, after anything that shows its phone numbers."""
    for notice in ctx.directory.notices:
        if notice.kind == "scam":
            sys.stdout.write("\n" + wrap_text("!! " + notice.text, indent="") + "\n")


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
    widths = [max(len(r[i]) for r in [headers, *rows]) for i in range(len(headers))]
    for r in [headers, *rows]:
        print("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip())
