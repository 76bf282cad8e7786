"""Answers kept whole: a bounded LRU of complete responses to GET requests, by URL and data version.

Every answer the site gives is a function of the URL, the data version and one request header
(gzip or not), so a repeat request (a popular city, a state page with its map, the
home page, a stylesheet) is sent from memory, gzipped once. Private paths (privacy.py: verify
answers, the editors' pages and API) are never kept, nor is anything marked no-store. The
cache belongs to one app, which serves one data version; its key holds the ETag too, so an answer
from an earlier version can never be sent for a later one.

The same layer tells caches in front (a proxy, a CDN, a browser) what they may keep
(`CachePolicy`): a public answer says `Cache-Control: public, max-age=N, s-maxage=S,
stale-while-revalidate=M`, `Vary: Accept-Encoding` (the only request header that changes its
bytes) and `Access-Control-Allow-Origin: *` whether or not the request came with an Origin, so
no cache needs to vary by Origin. Its ETag (edge.py) is the data version. A publish makes every
kept answer stale by revalidation: a shared cache keeps an answer S seconds (1 by default), then
asks again with If-None-Match, and is told 304 while the version holds, or given the new answer
once it changed. Private answers (privacy.py) and errors say `no-store`.
"""

from __future__ import annotations

import asyncio
import os
import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import TYPE_CHECKING

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from fieldoffice.web.privacy import never_cached

if TYPE_CHECKING:
    from fieldoffice.web.live import LiveSite

KEPT_STATUSES = (200, 400, 404)  # answers, not-found answers with suggestions, unreadable input
SHAREABLE = (*KEPT_STATUSES, 301, 304, 308)  # what a cache in front may keep, with the policy
MAX_ENTRY = 2 * 1024 * 1024
FIELDS = ("max_age", "shared_max_age", "stale_while_revalidate")
CACHE_ENV = ("FIELDOFFICE_CACHE_MAX_AGE", "FIELDOFFICE_CACHE_SHARED_MAX_AGE",
             "FIELDOFFICE_CACHE_STALE")  # fmt: skip


class CachePolicyError(ValueError):
    """A cache lifetime that cannot be used; the message says what to give instead."""


@dataclass(frozen=True)
class CachePolicy:
    """How long caches in front may keep a public answer, in seconds. `max_age`: any cache (a
    browser too); `shared_max_age`: proxies and CDNs, which revalidate that often, so a publish
    reaches them within it (0: every request revalidates); `stale_while_revalidate`: how long an
    expired answer may still be sent while a fresh one is fetched. Static files, which no
    publish changes, are kept `max_age` everywhere."""

    max_age: int = 60
    shared_max_age: int = 1
    stale_while_revalidate: int = 30

    def __post_init__(self) -> None:
        if min(self.max_age, self.shared_max_age, self.stale_while_revalidate) < 0:
            raise CachePolicyError("cache lifetimes are seconds, 0 or more")

    @classmethod
    def from_env(cls) -> CachePolicy:
        """$FIELDOFFICE_CACHE_MAX_AGE, $FIELDOFFICE_CACHE_SHARED_MAX_AGE, $FIELDOFFICE_CACHE_STALE
        (each optional; `serve` options set them for its workers)."""
        given = {}
        for name, var in zip(FIELDS, CACHE_ENV, strict=True):
            raw = os.environ.get(var, "").strip()
            if raw:
                if not raw.isdigit():
                    raise CachePolicyError(
                        f"${var} must be a whole number of seconds, not {raw[:20]!r}"
                    )
                given[name] = int(raw)
        return cls(**given)

    def header(self, static: bool = False) -> bytes:
        shared = "" if static else f", s-maxage={self.shared_max_age}"
        return (f"public, max-age={self.max_age}{shared}, "
                f"stale-while-revalidate={self.stale_while_revalidate}").encode()  # fmt: skip


def public_request(scope: Scope) -> bool:
    """A GET or HEAD whose answer does not depend on who asks (privacy.py says which)."""
    return scope["method"] in ("GET", "HEAD") and not never_cached(scope["path"])


def with_policy(send: Send, policy: CachePolicy | None, static: bool) -> Send:
    """`send`, marking a public answer shareable (Cache-Control, Vary, CORS) and anything else
    that did not say (an error; every answer, with no `policy`: a private path) no-store."""
    shared = policy.header(static) if policy is not None else b""

    async def marked(message: Message) -> None:
        if message["type"] == "http.response.start":
            headers = list(message.get("headers", []))
            names = {k.lower() for k, _ in headers}
            if b"cache-control" not in names:
                ok = (
                    policy is not None
                    and message["status"] in SHAREABLE
                    and b"set-cookie" not in names
                )
                headers.append((b"cache-control", shared if ok else b"no-store"))
                if ok:  # the same bytes for every Origin (CORS allows any): vary by encoding only
                    headers = [(k, v) for k, v in headers if k.lower() != b"vary"]
                    headers.append((b"vary", b"Accept-Encoding"))
                    if b"access-control-allow-origin" not in names:
                        headers.append((b"access-control-allow-origin", b"*"))
            message = {**message, "headers": headers}
        await send(message)

    return marked


@dataclass(frozen=True)
class Kept:
    status: int
    headers: tuple[tuple[bytes, bytes], ...]
    body: bytes


class ResponseCache:
    """Pure ASGI. Lookups cost a dict access under a lock; a miss runs the app once."""

    def __init__(self, app: ASGIApp, live: LiveSite, max_bytes: int = 64 * 1024 * 1024,
                 policy: CachePolicy | None = None) -> None:  # fmt: skip
        self.app = app
        self.policy = policy or CachePolicy.from_env()
        self.live = live  # the key holds the served version's ETag: a publish changes every key
        self.max_bytes = max_bytes
        self.bytes = 0
        self.kept: OrderedDict[tuple[bytes, ...], Kept] = OrderedDict()
        self.lock = threading.Lock()
        self.hits = self.misses = 0
        # one request makes an answer; the same request arriving meanwhile waits for it (a burst
        # for a new page, or every connection at start, would otherwise make it many times over)
        self.inflight: dict[tuple[bytes, ...], asyncio.Event] = {}

    def _key(self, scope: Scope) -> tuple[bytes, ...] | None:
        if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD"):
            return None
        path: str = scope["path"]
        if never_cached(path):  # private (privacy.py)
            return None
        if path == "/api/v1/locate" and b"lat=" in scope.get("query_string", b""):
            return None  # a point is rarely asked twice: it would only push pages out
        gzip = False  # (not Origin: every answer is sent with the same CORS headers)
        for name, value in scope["headers"]:
            if name == b"accept-encoding":
                gzip = b"gzip" in value
            elif name in (b"authorization", b"cookie"):
                return None  # never share an answer that could depend on who asks
            elif name in (b"if-none-match", b"if-modified-since") and path.startswith("/static/"):
                return None  # a static file answers its own conditional requests (304)
        return (
            self.live.site.etag.encode(),
            scope.get("raw_path") or path.encode(),
            scope.get("query_string", b""),
            b"gz" if gzip else b"",
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            if public_request(scope):
                send = with_policy(send, self.policy, scope["path"].startswith("/static/"))
            elif never_cached(scope["path"]):
                send = with_policy(send, None, False)
        key = self._key(scope)
        if key is None:
            await self.app(scope, receive, send)
            return
        kept = self._get(key)
        if kept is None and key in self.inflight:  # the same answer is being made: wait for it
            await self.inflight[key].wait()
            kept = self._get(key)
        if kept is not None:
            start = {"type": "http.response.start", "status": kept.status, "headers": list(kept.headers)}  # fmt: skip
            await send(start)
            body = b"" if scope["method"] == "HEAD" else kept.body
            await send({"type": "http.response.body", "body": body})
            return
        self.misses += 1
        # HEAD has no body to keep; an answer made but not kept (too large, no-store) is made again
        if scope["method"] == "HEAD" or key in self.inflight:
            await self.app(scope, receive, send)
            return
        self.inflight[key] = asyncio.Event()
        try:
            await self._make(key, scope, receive, send)
        finally:
            self.inflight.pop(key).set()

    def _get(self, key: tuple[bytes, ...]) -> Kept | None:
        with self.lock:
            kept = self.kept.get(key)
            if kept is not None:
                self.kept.move_to_end(key)
                self.hits += 1
            return kept

    async def _make(
        self, key: tuple[bytes, ...], scope: Scope, receive: Receive, send: Send
    ) -> None:
        start: Message | None = None
        chunks: list[bytes] = []
        size = 0
        keep = True

        async def recording(message: Message) -> None:
            nonlocal start, size, keep
            if message["type"] == "http.response.start":
                start = message
                headers = message.get("headers", [])
                if message["status"] not in KEPT_STATUSES or any(
                    k.lower() in (b"cache-control", b"set-cookie") and (k.lower() == b"set-cookie" or b"no-store" in v)
                    for k, v in headers
                ):  # fmt: skip
                    keep = False
            elif message["type"] == "http.response.body" and keep:
                chunks.append(message.get("body", b""))
                size += len(chunks[-1])
                if size > MAX_ENTRY:
                    keep, chunks[:] = False, []
            await send(message)

        await self.app(scope, receive, recording)
        if keep and start is not None:
            self._keep(
                key, Kept(start["status"], tuple(start.get("headers", [])), b"".join(chunks))
            )

    def _keep(self, key: tuple[bytes, ...], kept: Kept) -> None:
        with self.lock:
            old = self.kept.pop(key, None)
            if old is not None:
                self.bytes -= len(old.body)
            self.kept[key] = kept
            self.bytes += len(kept.body)
            while self.bytes > self.max_bytes and self.kept:
                _, dropped = self.kept.popitem(last=False)
                self.bytes -= len(dropped.body)
