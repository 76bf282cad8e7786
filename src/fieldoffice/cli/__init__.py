"""The command line: parse, call the core, print. Errors become one line on stderr and an exit code.

- app.py: the Typer app, the options commands share, printing helpers;
- main.py: `main`, the console script, which maps every error to one line and an exit code;
- one module per command group: lookup (locate, offices, office, resolve, verify), editing (lint,
  export, diff, ingest), batch (assign), serve, users and db (the editors' store).

Importing this package imports no more than `locate` needs: each command imports its own
heavy parts when it runs.
"""

from __future__ import annotations

from fieldoffice.cli import batch, db, editing, lookup, serve, users
from fieldoffice.cli.app import app
from fieldoffice.cli.main import main

# the commands, in the order `fieldoffice --help` lists them
app.command(context_settings={"ignore_unknown_options": True})(lookup.locate)
app.command()(editing.lint)
app.command()(editing.export)
app.command()(editing.diff)
app.command()(lookup.offices)
app.command()(lookup.office)
app.command()(batch.assign)
app.command()(editing.ingest)
app.command()(lookup.resolve)
app.command()(lookup.verify)
app.command()(serve.serve)
app.add_typer(users.users_app, name="users")
app.add_typer(db.db_app, name="db")

__all__ = ["app", "main"]
