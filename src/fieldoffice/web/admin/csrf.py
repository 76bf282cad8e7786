"""CSRF protection for the editors' forms: asgi-csrf (a signed double-submit cookie) on every
POST under /admin, the login form included before any cookie exists; the bearer-token API
needs none. Uploads (multipart) are checked here: the token must be the first field."""

from __future__ import annotations

from typing import Any

from starlette.types import ASGIApp, Receive, Scope, Send

from fieldoffice.web.privacy import is_editor_page


class Csrf:
    """asgi-csrf on the editors' pages (forms under /admin): a POST without the token that
    matches its cookie is refused (403) in the product's words. The login form is protected
    even before there is a cookie (login CSRF). The bearer-token API needs no token."""

    def __init__(self, app: ASGIApp, secret: str) -> None:
        from asgi_csrf import asgi_csrf
        from itsdangerous.url_safe import URLSafeSerializer

        self.app = app
        self.inner = asgi_csrf(
            app, signing_secret=secret, always_protect={"/admin/login"},
            skip_if_scope=lambda scope: not is_editor_page(scope["path"]),
            cookie_samesite="Strict", send_csrf_failed=_csrf_failed,
        )  # fmt: skip
        self.signer = URLSafeSerializer(secret)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not is_editor_page(scope["path"]):
            # the public site never passes through asgi-csrf, which wraps every response it sees
            # (measured: text queries at 8,100 req/s through it, 15,300 without)
            await self.app(scope, receive, send)
            return
        if _is_upload(scope):
            # asgi-csrf 0.11 cannot read multipart bodies with python-multipart >= 0.0.13 (it
            # passes FileClass, since removed): check the form's first field here, then hand
            # asgi-csrf the token as its header so it lets the request through
            token, receive = await _first_field_token(scope, receive)
            if token is None or not self._valid(token, _cookie(scope, "csrftoken")):
                await _csrf_failed(scope, send, None)
                return
            scope = {**scope, "headers": [*scope["headers"], (b"x-csrftoken", token.encode())]}
        await self.inner(scope, receive, send)

    def _valid(self, token: str, cookie: str) -> bool:
        import secrets

        from itsdangerous import BadSignature

        if not token or not secrets.compare_digest(token, cookie):
            return False
        try:
            self.signer.loads(cookie, "csrftoken")
        except BadSignature:
            return False
        return True


def _is_upload(scope: Scope) -> bool:
    if scope["type"] != "http" or scope["method"] != "POST" or not is_editor_page(scope["path"]):
        return False
    headers = dict(scope["headers"])
    bearer = headers.get(b"authorization", b"").startswith(b"Bearer ")
    return not bearer and headers.get(b"content-type", b"").startswith(b"multipart/form-data")


def _cookie(scope: Scope, name: str) -> str:
    from http.cookies import SimpleCookie

    jar: SimpleCookie = SimpleCookie()
    for key, value in scope["headers"]:
        if key == b"cookie":
            try:
                jar.load(value.decode("latin-1"))
            except Exception:  # a malformed cookie header: no token
                return ""
    return jar[name].value if name in jar else ""


class _FirstPartRead(Exception):
    pass


async def _first_field_token(scope: Scope, receive: Receive) -> tuple[str | None, Receive]:
    """The value of the multipart body's first part if it is the csrftoken field (not a file),
    reading no further than that part; and a receive that replays what was read."""
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
        if opts.get(b"name") != b"csrftoken" or b"filename" in opts:
            raise _FirstPartRead
        part["name"] = b"csrftoken"

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
            parser.write(body)
    except _FirstPartRead:
        if part["name"] == b"csrftoken":
            return b"".join(part["data"]).decode("utf-8", "replace"), replay
    except Exception:  # not a multipart body after all
        pass
    return None, replay


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
