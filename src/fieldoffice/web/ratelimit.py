"""Fair share: a per-client allowance weighted by what each answer cost, and a cap on work in hand.

The allowance is a sliding window from `limits` (one counter per client, O(1) memory each). Every
request costs 1 before it runs; afterwards an answer that searched every name (not found, cannot
be read) or sent a large page costs more, so a client typing junk or pulling maps uses its share
faster than a person reading answers. Static files are free.

Where the counters live (`limit_storage`): with $FIELDOFFICE_REDIS (`serve --redis URL`) in Redis,
through `limits`' Redis storage, so every instance and worker behind one proxy counts against the
same allowance; without it in this process's memory, so N processes give a client N times the
allowance (put a proxy's own per-client limit in front: deploy/nginx.conf). Redis away for a
moment fails open: the request is answered, the miss is logged once a minute, and the proxy's
limit still holds.
"""

from __future__ import annotations

import ipaddress
import logging
import math
import os
import time

from limits import RateLimitItem, parse
from limits.storage import MemoryStorage, Storage, storage_from_string
from limits.strategies import SlidingWindowCounterRateLimiter
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from fieldoffice.web.refusal import refusal

FREE_PREFIXES = ("/static/", "/favicon.ico", "/robots.txt")
SEARCHED_EVERYTHING = (400, 404)  # answers that ran the fuzzy search over every name
EXTRA_FOR_SEARCH = 3
LARGE_BODY = 64 * 1024  # each further 64 KB sent costs one more, up to EXTRA_FOR_SIZE
EXTRA_FOR_SIZE = 4
REDIS_ENV = "FIELDOFFICE_REDIS"
log = logging.getLogger("fieldoffice.ratelimit")


def redis_url(url: str | None = None) -> str | None:
    """`url`, else $FIELDOFFICE_REDIS, as `limits` reads it: redis://HOST:PORT/DB, rediss://...,
    or a Unix socket as unix:///path/redis.sock (said redis+unix:// to `limits`)."""
    chosen = (url or os.environ.get(REDIS_ENV, "")).strip()
    if not chosen:
        return None
    if chosen.startswith("unix://"):
        chosen = "redis+" + chosen
    return chosen


def limit_storage(url: str | None = None) -> Storage:
    """The shared counters in Redis if one is given, else this process's memory."""
    chosen = redis_url(url)
    if chosen is None:
        return MemoryStorage()
    storage = storage_from_string(chosen, socket_timeout=0.5, socket_connect_timeout=0.5)
    assert isinstance(storage, Storage)  # (a plain URL, not async+redis://: the sync storage)
    return storage


def client_key(scope: Scope) -> str:
    """The client's address; an IPv6 client is its /64, the block one subscriber holds."""
    client = scope.get("client")
    host = client[0] if client else "-"
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return host
    if ip.version == 6:
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


class FairShare:
    """Pure ASGI: 429 over a client's allowance, 503 when too much work is already in hand."""

    def __init__(self, app: ASGIApp, rate: str | None, max_pending: int,
                 storage: Storage | None = None) -> None:  # fmt: skip
        self.app = app
        self.item: RateLimitItem | None = parse(rate) if rate else None
        self.storage = storage or (limit_storage() if rate else MemoryStorage())
        self.limiter = SlidingWindowCounterRateLimiter(self.storage)
        self.last_miss = 0.0
        self.max_pending = max_pending
        self.pending = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(FREE_PREFIXES):
            await self.app(scope, receive, send)
            return
        item = self.item
        key = client_key(scope) if item is not None else ""
        if item is not None and not self._hit(item, key):
            wait = self._retry_after(item, key)
            await self._refuse(scope, send, 429, "rate_limited",
                               f"too many requests from your address: the limit is {item}. Try again in "
                               f"{wait} seconds. For many places at once, use `fieldoffice assign` on a file.",
                               wait)  # fmt: skip
            return
        if self.pending >= self.max_pending:
            await self._refuse(scope, send, 503, "busy",
                               "the server is answering too many requests; try again in a moment", 1)  # fmt: skip
            return
        status, sent = 0, 0

        async def counted(message: Message) -> None:
            nonlocal status, sent
            if message["type"] == "http.response.start":
                status = message["status"]
            elif message["type"] == "http.response.body":
                sent += len(message.get("body", b""))
            await send(message)

        self.pending += 1
        try:
            await self.app(scope, receive, counted)
        finally:
            self.pending -= 1
            if item is not None:
                extra = EXTRA_FOR_SEARCH if status in SEARCHED_EVERYTHING else 0
                extra += min(EXTRA_FOR_SIZE, sent // LARGE_BODY)
                if extra:
                    self._charge(item, key, extra)

    def _hit(self, item: RateLimitItem, key: str) -> bool:
        """Room for one more request (True, and counted); True too when Redis cannot be asked."""
        try:
            return self.limiter.hit(item, key)
        except Exception as exc:  # the shared store away: answer, and say so (once a minute)
            self._missed(exc)
            return True

    def _missed(self, exc: Exception) -> None:
        if time.monotonic() - self.last_miss > 60:
            self.last_miss = time.monotonic()
            log.warning("rate limit store unreachable (%s); answering without it",
                        type(exc).__name__)  # fmt: skip

    def _charge(self, item: RateLimitItem, key: str, cost: int) -> None:
        try:
            if not self.limiter.hit(item, key, cost=cost):  # not room for all: take what is left
                remaining = self.limiter.get_window_stats(item, key).remaining
                if remaining > 0:
                    self.limiter.hit(item, key, cost=remaining)
        except Exception as exc:
            self._missed(exc)

    def _retry_after(self, item: RateLimitItem, key: str) -> int:
        try:
            reset = self.limiter.get_window_stats(item, key).reset_time
        except Exception:
            return item.get_expiry()
        return max(1, min(item.get_expiry(), math.ceil(reset - time.time())))

    @staticmethod
    async def _refuse(scope: Scope, send: Send, status: int, code: str, message: str, wait: int) -> None:  # fmt: skip
        headers, body = refusal(scope, status, code, message, wait)
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})
