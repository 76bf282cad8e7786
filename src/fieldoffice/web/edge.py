"""The edge: what every request meets before the app, and what every answer leaves with.

`Guard` is the outermost layer (pure ASGI). It refuses, in the product's words (refusal.py), what
no route should see: an address too long, too many headers, a body too large however it is sent,
a Host the server does not answer for, more requests at once from one client than its share. It
never reads a body itself: the body is counted as whoever reads it (after the rate limit, the
pending cap and, where a route needs it, sign-in) receives it, and reading past the path's cap
is a 413, so nothing is buffered past it. On the way out it adds the security headers, makes a
redirect to this very host relative, and gives every public 200 the site's ETag, answering a
matching If-None-Match with a 304. Which paths are private is privacy.py's to say.
"""

from __future__ import annotations

import os
import sys
from urllib.parse import urlsplit

import anyio
import anyio.to_thread
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from fieldoffice.web.lanes import RESERVED_THREADS
from fieldoffice.web.live import LiveSite
from fieldoffice.web.privacy import is_editor_page, is_editors
from fieldoffice.web.ratelimit import client_key
from fieldoffice.web.refusal import refusal
from fieldoffice.web.settings import ServeSettings

MAX_URL = 8192  # above any valid request: 300 characters of q, each up to 12 bytes encoded
MAX_BODY = 16 * 1024
MAX_EDITOR_BODY = 1024 * 1024  # the editors' JSON API (a whole directory is about 100 KB)
MAX_FORM_BODY = 512 * 1024  # an editors' form (each text field is cut at 20,000 characters)
MAX_UPLOAD_BODY = 6 * 1024 * 1024  # a saved contact page uploaded to the draft (ingest takes 5 MB)
UPLOAD_PATH, LOGIN_PATH = "/admin/upload", "/admin/login"
KEPT_ON_304 = {b"cache-control", b"vary", b"content-location", b"expires"}

SECURITY_HEADERS = [
    (b"content-security-policy",
     b"default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
     b"object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"strict-origin-when-cross-origin"),
    (b"x-frame-options", b"DENY"),
]  # fmt: skip


def body_limit(path: str) -> int:
    if path == UPLOAD_PATH:
        return MAX_UPLOAD_BODY
    if is_editor_page(path):
        return MAX_FORM_BODY if path != LOGIN_PATH else MAX_BODY
    return MAX_EDITOR_BODY if is_editors(path) else MAX_BODY


def client_requests(max_pending: int) -> int:
    """How many requests one client may have in hand at once in one process: an eighth of the
    pending cap, at least 4, so no one client can fill it."""
    return max(4, max_pending // 8)


class BodyTooLarge(HTTPException):
    """Reading a body past its cap: a 413, from the app's error pages or from Guard."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"request bodies are limited to {limit} bytes")
        self.limit = limit


class Guard:
    """Pure ASGI, outermost: request limits (URL, body however encoded, header count, Host),
    security headers, relative redirects, and ETag / If-None-Match where the answer is a 200."""

    def __init__(self, app: ASGIApp, live: LiveSite, settings: ServeSettings | None) -> None:
        self.app = app
        self.live = live
        self.max_headers = settings.max_headers if settings else 1000
        self.hosts = HostCheck(settings.allowed_hosts if settings else ("*",))
        self.threads = max(2, os.cpu_count() or 1)
        self.started = False
        self.per_client = client_requests(settings.max_pending if settings else 64)
        self.in_hand: dict[str, int] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if not self.started:
            # CPU-bound handlers gain nothing from more threads than cores; and the event loop,
            # which answers the cheap requests, gets the interpreter back within 1 ms, not 5. The
            # lanes (lanes.py) hold threads of their own on top, never the public pages' share
            limiter = anyio.to_thread.current_default_thread_limiter()
            limiter.total_tokens = self.threads + RESERVED_THREADS
            sys.setswitchinterval(0.001)
            self.started = True
        refused = self._refusal(scope)
        if refused is not None:
            await self._reply(scope, send, *refused)
            return
        key = client_key(scope)
        if self.in_hand.get(key, 0) >= self.per_client:
            await self._reply(scope, send, 429, "too_many_at_once",
                              f"your address has {self.per_client} requests in hand already; "
                              "wait for their answers", retry_after=1)  # fmt: skip
            return
        headers = dict(scope["headers"])
        public_get = scope["method"] in ("GET", "HEAD") and not is_editors(scope["path"])
        tag = self.live.site.etag.encode() if public_get else None
        started = False

        async def send_marked(message: Message) -> None:
            nonlocal started
            started = True
            await stamped(message)

        stamped = _stamped(send, headers, tag)
        self.in_hand[key] = self.in_hand.get(key, 0) + 1
        try:
            await self.app(scope, counted_body(receive, body_limit(scope["path"])), send_marked)
        except BodyTooLarge as exc:  # read by a middleware, past the app's error pages
            if started:
                raise
            await self._reply(scope, send, 413, "too_large", str(exc.detail))
        finally:
            left = self.in_hand[key] - 1
            if left:
                self.in_hand[key] = left
            else:
                del self.in_hand[key]

    def _refusal(self, scope: Scope) -> tuple[int, str, str] | None:
        url_len = len(scope.get("raw_path", b"")) + len(scope.get("query_string", b""))
        if url_len > MAX_URL:
            return 414, "uri_too_long", f"the address is longer than {MAX_URL} characters"
        if len(scope["headers"]) > self.max_headers:
            message = f"a request may carry at most {self.max_headers} headers"
            return 431, "headers_too_large", message
        length = dict(scope["headers"]).get(b"content-length", b"0")
        limit = body_limit(scope["path"])
        if not length.isdigit() or int(length) > limit:
            return 413, "too_large", f"request bodies are limited to {limit} bytes"
        host = dict(scope["headers"]).get(b"host")
        if not self.hosts.allows(host):
            shown = (host or b"").decode("latin-1")[:100]
            return 400, "host_not_allowed", (
                f"this server does not answer for the host {shown!r}; its operator can add it "
                "with `fieldoffice serve --allowed-hosts`"
            )  # fmt: skip
        return None

    @staticmethod
    async def _reply(scope: Scope, send: Send, status: int, code: str, message: str,
                     retry_after: int | None = None) -> None:  # fmt: skip
        headers, body = refusal(scope, status, code, message, retry_after)
        await send({"type": "http.response.start", "status": status,
                    "headers": [*headers, *SECURITY_HEADERS]})  # fmt: skip
        await send({"type": "http.response.body", "body": body})


def _stamped(send: Send, request: dict[bytes, bytes], etag: bytes | None) -> Send:
    """`send`, adding the security headers; a relative Location on a redirect to this host; and,
    where `etag` is given (a public GET), the ETag on a 200, or a bodiless 304 if it matches."""
    fresh = etag is not None and etag in request.get(b"if-none-match", b"").split(b", ")
    host = request.get(b"host", b"")
    not_modified = False

    async def send_with_headers(message: Message) -> None:
        nonlocal not_modified
        if message["type"] == "http.response.start":
            status = message["status"]
            own = message.get("headers", [])
            names = {k.lower() for k, _ in own}
            extra = [(k, v) for k, v in SECURITY_HEADERS if k not in names]
            if 300 <= status < 400:
                own = [(k, _relative(v, host) if k.lower() == b"location" else v) for k, v in own]
            if etag is not None and status == 200 and b"etag" not in names:  # static has its own
                extra.append((b"etag", etag))
                if fresh:  # the same 200 the client already holds: say so, send nothing
                    not_modified = True
                    own = [(k, v) for k, v in own if k.lower() in KEPT_ON_304]
                    message = {**message, "status": 304}
            message = {**message, "headers": [*own, *extra]}
        elif not_modified:
            if message.get("more_body", False):
                return
            message = {"type": "http.response.body", "body": b""}
        await send(message)

    return send_with_headers


class HostCheck:
    """Allowed Host names: exact, '*.example.org' for any subdomain, or '*' for any host."""

    def __init__(self, hosts: tuple[str, ...]) -> None:
        self.any = "*" in hosts
        self.exact = {h for h in hosts if not h.startswith("*.")}
        self.suffixes = tuple(h[1:] for h in hosts if h.startswith("*."))

    def allows(self, header: bytes | None) -> bool:
        if self.any:
            return True
        if not header:
            return False
        host = header.decode("latin-1").lower()
        if host.startswith("["):  # [::1]:8000
            host = host[: host.find("]") + 1] if "]" in host else host
        else:
            host = host.rsplit(":", 1)[0] if host.count(":") == 1 else host
        host = host.rstrip(".")
        return host in self.exact or (bool(self.suffixes) and host.endswith(self.suffixes))


def _relative(location: bytes, host: bytes) -> bytes:
    """A redirect to this very host says only the path: a forged Host header is never echoed."""
    parts = urlsplit(location.decode("latin-1"))
    if not parts.netloc:
        return location
    if parts.netloc.encode("latin-1").lower() != host.lower():
        return location
    path = parts.path if parts.path.startswith("/") and not parts.path.startswith("//") else "/"
    return (path + ("?" + parts.query if parts.query else "")).encode("latin-1")


def counted_body(receive: Receive, limit: int) -> Receive:
    """`receive`, counting the body as it is read: BodyTooLarge past `limit` bytes, whatever the
    encoding (length or chunked), before the chunk over it is kept anywhere."""
    seen = 0

    async def counted() -> Message:
        nonlocal seen
        message = await receive()
        if message["type"] == "http.request":
            seen += len(message.get("body", b""))
            if seen > limit:
                raise BodyTooLarge(limit)
        return message

    return counted
