"""The users commands: the editors' accounts, roles, passwords and API tokens."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Annotated

import typer

from fieldoffice.cli.app import ADDRESS, DatabaseOpt, JsonOpt, actor, open_store, table
from fieldoffice.cli.terminal import emit, safe, safe_row
from fieldoffice.core.errors import InvalidInput, NotFound

if TYPE_CHECKING:
    from fieldoffice.store.database import Database

users_app = typer.Typer(
    help="Editors' accounts: users, roles, passwords, API tokens. Each change is audited as "
    "cli:<your OS user name>.",
    no_args_is_help=True,
    rich_markup_mode=None,
)

PasswordStdinOpt = Annotated[
    bool,
    typer.Option(
        "--password-stdin", help="Read the password from the first line of stdin (no prompt)."
    ),
]


def _password(from_stdin: bool) -> str:
    """The new password: the first line of stdin, or asked twice at the terminal, unseen."""
    if from_stdin:
        line = sys.stdin.readline()
        password = line[:-1] if line.endswith("\n") else line
        password = password[:-1] if password.endswith("\r") else password
        if not password:
            raise InvalidInput(
                "--password-stdin read no password", hint="pipe it in on the first line"
            )
        return password
    if not sys.stdin.isatty():
        raise InvalidInput("there is no terminal to ask for the password on",
                           hint="pipe it in with --password-stdin")  # fmt: skip
    return str(typer.prompt("Password", hide_input=True, confirmation_prompt=True))


def _known_role(db: Database, name: str) -> str:
    """`name`'s role, or NotFound with who there is (before asking for anything)."""
    from fieldoffice.store.accounts import users

    for account, _ in users(db):
        if account.name == name:
            return account.role
    raise NotFound(f"no user {name!r}", hint="`fieldoffice users list` shows who there is")


@users_app.command("add")
def users_add(
    name: Annotated[
        str, typer.Argument(metavar="NAME", help="The user name (letters, digits, . _ @ -).")
    ],
    role: Annotated[
        str | None,
        typer.Option(
            "--role",
            metavar="ROLE",
            help="editor (edits the draft; the default), publisher (also publishes and rolls "
            "back) or admin (also manages users).",
        ),
    ] = None,
    password_stdin: PasswordStdinOpt = False,
    database: DatabaseOpt = None,
) -> None:
    """Add a user with a role (editor unless --role says otherwise) and a password.

    The password (12 characters or more) is asked for twice, unseen, or read from stdin with
    --password-stdin.
    """
    from fieldoffice.core.errors import Conflict
    from fieldoffice.store.accounts import add_user, check_role, users

    given = role is not None
    role = role if role is not None else "editor"
    check_role(role)
    with open_store(database) as db:
        if any(a.name == name for a, _ in users(db)):  # said before the password is asked for
            raise Conflict(f"there is a user {name!r} already",
                           hint=f"choose another name, or `fieldoffice users role {name} ROLE`")  # fmt: skip
        account = add_user(db, name, role, _password(password_stdin), actor=actor(),
                           address=ADDRESS)  # fmt: skip
        print(f"added {safe(account.name)} ({account.role}) to {safe(db.shown)}")
    if not given:  # said, not silent: the role was chosen for them
        print(f"{safe(account.name)} is an editor, the default role; to change it: "
              f"`fieldoffice users role {safe(account.name)} publisher` (or admin)")  # fmt: skip


@users_app.command("token")
def users_token(
    name: Annotated[str, typer.Argument(metavar="NAME", help="The user the token acts as.")],
    database: DatabaseOpt = None,
) -> None:
    """Print a new API token for a user (shown once).

    Only the token goes to stdout, on one line, so a script can capture it:
    TOKEN=$(fieldoffice users token NAME).
    """
    from fieldoffice.store.accounts import new_token

    with open_store(database) as db:
        token = new_token(db, name, actor=actor(), address=ADDRESS)
    sys.stdout.write(token + "\n")
    sys.stdout.flush()
    sys.stderr.write(
        f"fieldoffice: this is the only time the token is shown (the store keeps its hash); "
        f"send it as 'Authorization: Bearer <token>'; `fieldoffice users revoke {safe(name)}` revokes it\n"
    )


@users_app.command("revoke")
def users_revoke(
    name: Annotated[str, typer.Argument(metavar="NAME", help="The user whose tokens to revoke.")],
    token: Annotated[
        str | None,
        typer.Option(
            "--token", metavar="TOKEN", help="Revoke this token only ('-': read it from stdin)."
        ),
    ] = None,
    database: DatabaseOpt = None,
) -> None:
    """Revoke a user's API tokens (all, or one with --token)."""
    from fieldoffice.store.accounts import revoke

    if token == "-":
        token = sys.stdin.readline().strip()
    with open_store(database) as db:
        count = revoke(db, name, token, actor=actor(), address=ADDRESS)
    if count == 0:
        print(f"{safe(name)} has no live tokens: nothing revoked")
    else:
        print(f"revoked {count} token{'s' if count != 1 else ''} of {safe(name)}")


@users_app.command("list")
def users_list(as_json: JsonOpt = False, database: DatabaseOpt = None) -> None:
    """List the users, their roles and live API tokens."""
    from fieldoffice.store.accounts import users

    with open_store(database) as db:
        found = users(db)
    if as_json:
        emit([{"name": a.name, "role": a.role, "tokens": n} for a, n in found])
        return
    if not found:
        print("no users yet: add one with `fieldoffice users add NAME --role admin`")
        return
    table(("name", "role", "tokens"), [safe_row((a.name, a.role, str(n))) for a, n in found])


@users_app.command("role")
def users_role(
    name: Annotated[str, typer.Argument(metavar="NAME", help="The user.")],
    role: Annotated[str, typer.Argument(metavar="ROLE", help="editor, publisher or admin.")],
    database: DatabaseOpt = None,
) -> None:
    """Change a user's role."""
    from fieldoffice.store.accounts import check_role, set_role

    check_role(role)
    with open_store(database) as db:
        old = _known_role(db, name)
        set_role(db, name, role, actor=actor(), address=ADDRESS)
    print(f"{safe(name)} is now {role} (was {old})")


@users_app.command("password")
def users_password(
    name: Annotated[str, typer.Argument(metavar="NAME", help="The user.")],
    password_stdin: PasswordStdinOpt = False,
    database: DatabaseOpt = None,
) -> None:
    """Set a user's password; their browser sessions end.

    The password (12 characters or more) is asked for twice, unseen, or read from stdin with
    --password-stdin.
    """
    from fieldoffice.store.accounts import set_password

    with open_store(database) as db:
        _known_role(db, name)
        set_password(db, name, _password(password_stdin), actor=actor(), address=ADDRESS)
    print(f"changed the password of {safe(name)}; their browser sessions are signed out")
