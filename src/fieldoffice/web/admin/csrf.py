"""CSRF protection for everything signed in with the session cookie: the editors' forms under
/admin (the login form too, before any session exists) and the admin API called with the cookie.
A bearer token needs none: a browser never sends one by itself.

The token is bound to the session: it is an HMAC, under the store's secret, of the session
cookie; before there is a session (the login form), of a random `csrftoken` cookie set here. A
token from another session, or from before signing in, does not pass. A form sends it as its
`csrftoken` field (an upload as its first field); a script sends it as `X-CSRFToken`.

This replaces asgi-csrf, which parsed whole bodies with parse_qsl on the event loop before any
sign-in was checked. Here a body is read only as Guard (edge.py) caps it, after the rate limit,
the pending cap and the lanes; an urlencoded form is parsed on a thread of the forms lane
(lanes.py), never on the loop; an upload is read only as far as its first field. A POST to the
editors' pages without a session cookie is not read at all: its route sends it to sign in.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import parse_qsl

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from fieldoffice.web.admin.auth import SESSION_COOKIE
from fieldoffice.web.edge import BodyTooLarge
from fieldoffice.web.lanes import FORMS
from fieldoffice.web.privacy import is_editor_page, is_editors
from fieldoffice.web.refusal import refusal

CSRF_COOKIE = "csrftoken"
CSRF_FIELD = "csrftoken"
CSRF_HEADER = b"x-csrftoken"
SAFE = ("GET", "HEAD", "OPTIONS")
MAX_FIELDS = 1000  # starlette's own default for a form
LOGIN = "/admin/login"


class FormRefused(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class Csrf:
    """Pure ASGI, on the editors' paths only (the public site never passes through it)."""

    def __init__(self, app: ASGIApp, secret: str) -> None:
        self.app = app
        self.key = secret.encode()

    def token(self, binding: str) -> str:
        mac = hmac.new(self.key, b"csrf\x00" + binding.encode("latin-1"), hashlib.sha256)
        return base64.urlsafe_b64encode(mac.digest()).rstrip(b"=").decode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not is_editors(scope["path"]):
            await self.app(scope, receive, send)
            return
        cookies = _cookies(scope)
        session = cookies.get(SESSION_COOKIE, "")
        pre = cookies.get(CSRF_COOKIE, "")
        fresh = "" if pre else secrets.token_urlsafe(32)
        expected = self.token("session:" + session if session else "pre:" + (pre or fresh))
        scope = {**scope, "csrftoken": lambda: expected}  # what the forms render
        if scope["method"] not in SAFE:
            try:
                refused, receive = await self._check(scope, receive, session, expected)
            except FormRefused as exc:
                await _refuse(scope, send, 400, "bad_form", exc.message)
                return
            if refused:
                await _refuse(scope, send, 403, "csrf", "the CSRF token is missing or not this session's")  # fmt: skip
                return
        if fresh and is_editor_page(scope["path"]):
            send = _with_cookie(send, fresh, scope.get("scheme") == "https")
        await self.app(scope, receive, send)

    async def _check(self, scope: Scope, receive: Receive, session: str, expected: str) -> tuple[bool, Receive]:  # fmt: skip
        """(refused, receive): whether this unsafe request lacks its token, and a receive that
        gives the app the body as sent."""
        headers = dict(scope["headers"])
        if not is_editor_page(scope["path"]):  # the admin API
            if headers.get(b"authorization") or not session:
                return False, receive  # a bearer token, or no credentials (the route says 401)
            sent = headers.get(CSRF_HEADER, b"").decode("latin-1")
            return not hmac.compare_digest(sent, expected), receive
        if not session and scope["path"] != LOGIN:
            return False, receive  # not signed in: the route sends it to sign in, unread
        sent = headers.get(CSRF_HEADER, b"").decode("latin-1")
        if not sent:
            kind = headers.get(b"content-type", b"").split(b";")[0].strip().lower()
            if kind == b"multipart/form-data":
                token, receive = await first_field_token(scope, receive)
                sent = token or ""
            elif kind == b"application/x-www-form-urlencoded":
                body, receive = await _whole_body(receive)
                sent = await FORMS.run(form_token, body)
        return not sent or not hmac.compare_digest(sent, expected), receive


def form_token(body: bytes) -> str:
    """The csrftoken field of an urlencoded form (run on a thread, not on the loop); FormRefused
    when the body is not UTF-8 or has more fields than any form of ours."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise FormRefused("the form is not UTF-8: send it from the page's own form") from None
    try:
        pairs = parse_qsl(text, keep_blank_values=True, max_num_fields=MAX_FIELDS)
    except ValueError:
        raise FormRefused(f"a form has at most {MAX_FIELDS} fields") from None
    return next((v for k, v in pairs if k == CSRF_FIELD), "")


async def _whole_body(receive: Receive) -> tuple[bytes, Receive]:
    """The body (receive is Guard's, which stops it at the path's cap), and a receive that
    gives it again."""
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    body = b"".join(chunks)
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return body, replay


def _cookies(scope: Scope) -> dict[str, str]:
    jar: SimpleCookie = SimpleCookie()
    for key, value in scope["headers"]:
        if key == b"cookie":
            try:
                jar.load(value.decode("latin-1"))
            except Exception:  # a malformed cookie header: no cookies
                return {}
    return {k: m.value for k, m in jar.items()}


def _with_cookie(send: Send, value: str, secure: bool) -> Send:
    cookie = f"{CSRF_COOKIE}={value}; Path=/; HttpOnly; SameSite=Strict; Max-Age=31536000"
    cookie += "; Secure" if secure else ""

    async def sending(message: Message) -> None:
        if message["type"] == "http.response.start":
            message = {**message, "headers": [*message.get("headers", []), (b"set-cookie", cookie.encode())]}  # fmt: skip
        await send(message)

    return sending


async def _refuse(scope: Scope, send: Send, status: int, code: str, message: str) -> None:
    if not is_editor_page(scope["path"]):
        headers, body = refusal(scope, status, code, message)
    else:
        body = _EXPIRED if status == 403 else refusal(scope, status, code, message)[1]
        headers = [(b"content-type", b"text/html; charset=utf-8"), (b"cache-control", b"no-store")]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


_EXPIRED = (
    b"<!doctype html><html lang=en><title>Form expired</title><main><h1>This form has expired"
    b"</h1><p>The page was open too long, or came from another site. Go back, reload the page "
    b'and send the form again.</p><p><a href="/admin">Editors\' home</a></p></main></html>'
)


class _FirstPartRead(Exception):
    pass


async def first_field_token(scope: Scope, receive: Receive) -> tuple[str | None, Receive]:
    """The value of the multipart body's first part if it is the csrftoken field (not a file),
    reading no further than that part (64 KB at most); and a receive that replays what was read."""
    from python_multipart.multipart import MultipartParser, parse_options_header

    _, options = parse_options_header(dict(scope["headers"]).get(b"content-type", b""))
    boundary = options.get(b"boundary")
    messages: list[Any] = []

    async def replay() -> Any:
        return messages.pop(0) if messages else await receive()

    if not boundary:
        return None, replay
    part: dict[str, Any] = {"name": b"", "header": [b"", b""], "headers": {}, "data": []}

    def header_field(data: bytes, start: int, end: int) -> None:
        part["header"][0] += data[start:end]

    def header_value(data: bytes, start: int, end: int) -> None:
        part["header"][1] += data[start:end]

    def header_end() -> None:
        part["headers"][part["header"][0].lower()] = part["header"][1].strip()
        part["header"] = [b"", b""]

    def headers_finished() -> None:
        _, opts = parse_options_header(part["headers"].get(b"content-disposition", b""))
        if opts.get(b"name") != CSRF_FIELD.encode() or b"filename" in opts:
            raise _FirstPartRead
        part["name"] = CSRF_FIELD.encode()

    def data(data: bytes, start: int, end: int) -> None:
        part["data"].append(data[start:end])

    def part_end() -> None:
        raise _FirstPartRead

    parser = MultipartParser(boundary, callbacks={
        "on_header_field": header_field, "on_header_value": header_value,
        "on_header_end": header_end, "on_headers_finished": headers_finished,
        "on_part_data": data, "on_part_end": part_end})  # fmt: skip
    read, more = 0, True
    try:
        while more and read < 64 * 1024:  # the token comes first, in a few hundred bytes
            message = await receive()
            messages.append(message)
            body = message.get("body", b"")
            read += len(body)
            more = message.get("more_body", False)
            parser.write(body[: 64 * 1024])
    except _FirstPartRead:
        if part["name"] == CSRF_FIELD.encode():
            return b"".join(part["data"]).decode("utf-8", "replace"), replay
    except BodyTooLarge:
        raise
    except Exception:  # not a multipart body after all
        pass
    return None, replay


def csrf_secret(store: Any) -> str:
    """The store's CSRF signing secret, made once: every process and host shares it."""
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
