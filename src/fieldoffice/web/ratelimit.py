"""Fair share: a per-client allowance weighted by what each answer cost, and a cap on work in hand.

The allowance is a sliding window from `limits` (one counter per client, O(1) memory each). Every
request costs 1 before it runs; afterwards an answer that searched every name (not found, cannot
be read) or sent a large page costs more, so a client typing junk or pulling maps uses its share
faster than a person reading answers. Static files are free.
"""

from __future__ import annotations

import ipaddress
import math
import time

from limits import RateLimitItem, parse
from limits.storage import MemoryStorage
from limits.strategies import SlidingWindowCounterRateLimiter
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from fieldoffice.web.refusal import refusal

FREE_PREFIXES = ("/static/", "/favicon.ico", "/robots.txt")
SEARCHED_EVERYTHING = (400, 404)  # answers that ran the fuzzy search over every name
EXTRA_FOR_SEARCH = 3
LARGE_BODY = 64 * 1024  # each further 64 KB sent costs one more, up to EXTRA_FOR_SIZE
EXTRA_FOR_SIZE = 4


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

    def __init__(self, app: ASGIApp, rate: str | None, max_pending: int) -> None:
        self.app = app
        self.item: RateLimitItem | None = parse(rate) if rate else None
        self.limiter = SlidingWindowCounterRateLimiter(MemoryStorage())
        self.max_pending = max_pending
        self.pending = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(FREE_PREFIXES):
            await self.app(scope, receive, send)
            return
        item = self.item
        key = client_key(scope) if item is not None else ""
        if item is not None and not self.limiter.hit(item, key):
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

    def _charge(self, item: RateLimitItem, key: str, cost: int) -> None:
        if not self.limiter.hit(item, key, cost=cost):  # not room for all of it: take what is left
            remaining = self.limiter.get_window_stats(item, key).remaining
            if remaining > 0:
                self.limiter.hit(item, key, cost=remaining)

    def _retry_after(self, item: RateLimitItem, key: str) -> int:
        reset = self.limiter.get_window_stats(item, key).reset_time
        return max(1, min(item.get_expiry(), math.ceil(reset - time.time())))

    @staticmethod
    async def _refuse(scope: Scope, send: Send, status: int, code: str, message: str, wait: int) -> None:  # fmt: skip
        headers, body = refusal(scope, status, code, message, wait)
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})
