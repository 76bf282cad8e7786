"""Who is asking, for the editors' pages and API: a bearer token (the API) or a session cookie
(the browser), and whether their role allows the route. Every editors' route depends on
`editor`, `publisher` or `admin` below; nothing else reads credentials."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import Depends, Request

from fieldoffice.core.errors import Forbidden, Unauthorized
from fieldoffice.store.accounts import Account, account_for_token, session_account
from fieldoffice.store.database import Database

SESSION_COOKIE = "fieldoffice_session"


def store_of(request: Request) -> Database:
    store: Database | None = request.app.state.store
    if store is None:  # (the routes exist only with a store; this is a second lock)
        raise Unauthorized("this server serves a directory file: it has no editors")
    return store


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def account_of(request: Request) -> Account:
    """The signed-in account, or Unauthorized. A bearer token wins over a cookie."""
    store = store_of(request)
    header = request.headers.get("authorization", "")
    if header:
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise Unauthorized("the Authorization header is not 'Bearer <token>'",
                               hint="send 'Authorization: Bearer <token>' with a token from `fieldoffice users token NAME`")  # fmt: skip
        return account_for_token(store, token.strip())
    cookie = request.cookies.get(SESSION_COOKIE, "")
    account = session_account(store, cookie) if cookie else None
    if account is None:
        raise Unauthorized("sign in first", hint="send 'Authorization: Bearer <token>', or sign in at /admin/login")  # fmt: skip
    return account


def _needs(role: str) -> Callable[[Request], Account]:
    def check(request: Request) -> Account:
        account = account_of(request)
        if not account.may(role):
            raise Forbidden(f"{account.name} is {_a(account.role)}; this needs {_a(role)} or above",
                            hint="ask an admin to change your role")  # fmt: skip
        request.state.account = account
        return account

    check.__name__ = f"needs_{role}"
    return check


def _a(role: str) -> str:
    return ("an " if role[0] in "aeiou" else "a ") + role


editor = Depends(_needs("editor"))
publisher = Depends(_needs("publisher"))
admin = Depends(_needs("admin"))
