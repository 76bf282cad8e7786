"""The editors' pages under /admin: server-rendered, keyboard-usable forms over the same store
and rules as the admin API. Every form carries a CSRF token (asgi-csrf, double-submit cookie)
and the draft's ETag it was based on; a page without a session redirects to the login page."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import RedirectResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from fieldoffice.errors import FieldOfficeError, TooManyAttempts, Unauthorized
from fieldoffice.store import accounts, drafts, versions
from fieldoffice.store.accounts import Account
from fieldoffice.web.auth import SESSION_COOKIE, account_of, client_address, store_of

PRIVATE = {"Cache-Control": "no-store", "X-Robots-Tag": "noindex"}


class Csrf:
    """asgi-csrf on the editors' pages (forms under /admin): a POST without the token that
    matches its cookie is refused (403) in the product's words. The login form is protected
    even before there is a cookie (login CSRF). The bearer-token API needs no token."""

    def __init__(self, app: ASGIApp, secret: str) -> None:
        from asgi_csrf import asgi_csrf

        self.inner = asgi_csrf(
            app, signing_secret=secret, always_protect={"/admin/login"},
            skip_if_scope=lambda scope: not scope["path"].startswith("/admin"),
            cookie_samesite="Strict", send_csrf_failed=_csrf_failed,
        )  # fmt: skip

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self.inner(scope, receive, send)


async def _csrf_failed(scope: Scope, send: Send, message_id: Any) -> None:
    body = (
        b"<!doctype html><html lang=en><title>Form expired</title><main><h1>This form has expired"
        b"</h1><p>The page was open too long, or came from another site. Go back, reload the page "
        b'and send the form again.</p><p><a href="/admin">Editors\' home</a></p></main></html>'
    )
    await send({"type": "http.response.start", "status": 403,
                "headers": [(b"content-type", b"text/html; charset=utf-8"), (b"cache-control", b"no-store")]})  # fmt: skip
    await send({"type": "http.response.body", "body": body})


def csrf_secret(store: Any) -> str:
    """The store's CSRF signing secret, made once: every process and host shares it."""
    import secrets

    from sqlalchemy.exc import IntegrityError

    from fieldoffice.store.tables import Meta

    with store.transaction() as s:
        row = s.get(Meta, "csrf_secret")
        if row is not None:
            return str(row.value)
    try:
        with store.transaction() as s:
            s.add(Meta(key="csrf_secret", value=secrets.token_urlsafe(32)))
    except IntegrityError:
        pass  # another process made it first
    with store.transaction() as s:
        made = s.get(Meta, "csrf_secret")
        assert made is not None
        return str(made.value)


class AdminPages:
    def __init__(self, pages: Any) -> None:
        self.pages = pages
        self.router = APIRouter(include_in_schema=False)
        add = self.router.add_api_route
        add("/admin/login", self.login_form, methods=["GET", "HEAD"])
        add("/admin/login", self.login, methods=["POST"])
        add("/admin/logout", self.logout, methods=["POST"])
        add("/admin", self.home, methods=["GET", "HEAD"])

    # -- plumbing -------------------------------------------------------------------------------
    def render(self, request: Request, template: str, status: int = 200, **ctx: Any) -> Response:
        token = request.scope.get("csrftoken")
        response: Response = self.pages.render(request, "en", f"admin/{template}", status,
                                     other_lang_url="/es/", csrftoken=token() if token else "",
                                     account=getattr(request.state, "account", None), **ctx)  # fmt: skip
        response.headers.update(PRIVATE)
        return response

    def signed_in(self, request: Request, role: str = "editor") -> Account | Response:
        """The account, or a redirect to the login page (then back here)."""
        try:
            account = account_of(request)
        except Unauthorized:
            back = quote(request.url.path + (f"?{request.url.query}" if request.url.query else ""), safe="/?=&")  # fmt: skip
            return RedirectResponse(f"/admin/login?next={back}", status_code=303, headers=PRIVATE)
        request.state.account = account
        if not account.may(role):
            return self.render(request, "forbidden.html", 403, role=role)
        return account

    # -- signing in -----------------------------------------------------------------------------
    def login_form(self, request: Request, next: str = "/admin") -> Response:
        return self.render(request, "login.html", next=_local(next), problem=None, name="")

    async def login(self, request: Request) -> Response:
        form = await request.form()
        name, password = str(form.get("name", ""))[:64], str(form.get("password", ""))[:1024]
        target = _local(str(form.get("next", "/admin")))
        store = store_of(request)
        try:
            account = await run_in_threadpool(accounts.login, store, name, password, client_address(request))  # fmt: skip
        except TooManyAttempts as exc:
            r = self.render(request, "login.html", 429, next=target, problem=str(exc), name=name)
            r.headers["Retry-After"] = str(exc.retry_after)
            return r
        except Unauthorized as exc:
            return self.render(request, "login.html", 401, next=target, problem=str(exc), name=name)
        cookie = await run_in_threadpool(accounts.open_session, store, account)
        response = RedirectResponse(target, status_code=303, headers=PRIVATE)
        response.set_cookie(SESSION_COOKIE, cookie, max_age=int(accounts.SESSION_TTL.total_seconds()),
                            httponly=True, samesite="strict", path="/",
                            secure=request.url.scheme == "https")  # fmt: skip
        return response

    def logout(self, request: Request) -> Response:
        cookie = request.cookies.get(SESSION_COOKIE, "")
        if cookie:
            accounts.close_session(store_of(request), cookie, client_address(request))
        response = RedirectResponse("/admin/login", status_code=303, headers=PRIVATE)
        response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="strict")
        return response

    # -- the draft ------------------------------------------------------------------------------
    def home(self, request: Request) -> Response:
        who = self.signed_in(request)
        if isinstance(who, Response):
            return who
        store = store_of(request)
        draft = drafts.current(store)
        review = versions.review(store)
        return self.render(request, "home.html", draft=draft, review=review,
                           offices=draft.raw["office"], published=versions.versions(store)[:5])  # fmt: skip


def _local(target: str) -> str:
    """Only a path on this site's editors' pages: never another host after signing in."""
    if target.startswith("/admin") and not target.startswith(("//", "/\\")) and "\\" not in target:
        return target
    return "/admin"


def admin_pages_router(pages: Any) -> APIRouter:
    return AdminPages(pages).router


__all__ = ["AdminPages", "Csrf", "FieldOfficeError", "admin_pages_router", "csrf_secret"]
