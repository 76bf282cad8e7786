"""Answers kept whole: a bounded LRU of complete responses to GET requests, by URL and data version.

Every answer the site gives is a function of the URL, the data version and a few request headers
(gzip or not, CORS or not), so a repeat request (a popular city, a state page with its map, the
home page, a stylesheet) is sent from memory, gzipped once. Private paths (privacy.py: verify
answers, the editors' pages and API) are never kept, nor is anything marked no-store. The
cache belongs to one app, which serves one data version; its key holds the ETag too, so an answer
from an earlier version can never be sent for a later one.
"""

from __future__ import annotations

import asyncio
import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import TYPE_CHECKING

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from fieldoffice.web.privacy import never_cached

if TYPE_CHECKING:
    from fieldoffice.web.live import LiveSite

KEPT_STATUSES = (200, 400, 404)  # answers, not-found answers with suggestions, unreadable input
MAX_ENTRY = 2 * 1024 * 1024


@dataclass(frozen=True)
class Kept:
    status: int
    headers: tuple[tuple[bytes, bytes], ...]
    body: bytes


class ResponseCache:
    """Pure ASGI. Lookups cost a dict access under a lock; a miss runs the app once."""

    def __init__(self, app: ASGIApp, live: LiveSite, max_bytes: int = 64 * 1024 * 1024) -> None:
        self.app = app
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
        gzip = origin = False
        for name, value in scope["headers"]:
            if name == b"accept-encoding":
                gzip = b"gzip" in value
            elif name == b"origin":
                origin = True
            elif name in (b"authorization", b"cookie"):
                return None  # never share an answer that could depend on who asks
            elif name in (b"if-none-match", b"if-modified-since") and path.startswith("/static/"):
                return None  # a static file answers its own conditional requests (304)
        return (
            self.live.site.etag.encode(),
            scope.get("raw_path") or path.encode(),
            scope.get("query_string", b""),
            b"gz" if gzip else b"",
            b"cors" if origin else b"",
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
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
