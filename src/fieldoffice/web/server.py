"""How `fieldoffice serve` runs: uvicorn, with the connection limits a public server needs.

uvicorn has a keep-alive idle timeout, a listen backlog and graceful shutdown, and those are used
as they are. Its default HTTP parser (httptools) has no header-size cap, no header-read timeout,
no idle timeout for a connection that never sends a byte, and no connection cap; those are added
here, in a subclass of uvicorn's own protocol, so one slow or greedy client cannot hold the
server's memory, sockets or time. Each turn of the loop writes its bytes in one go
(web/one_write.py), so an instance killed mid-answer leaves the proxy nothing it cannot retry.

Connections are shared fairly between clients (an IPv4 address, an IPv6 /64): one client holds
at most its share (`client_share`); past it, its own idle connections are closed first, then its
slow ones, and only then is its new one refused. When the process is full, a newcomer takes the
place of an idle or slow connection of the client holding the most. A trusted proxy is many
clients behind one address: it has no share of its own (its `limit_conn` is the per-client cap).
Without Redis the share is per worker process: with `--workers N` a client holds at most N shares.
With `--redis` (web/shared_connections.py) its connections in every other worker and instance,
as last read in the background (about once a second), count against the one share too: a client
can exceed it only by what it opens within a sync, and a dead instance's count expires in seconds.
"""

from __future__ import annotations

import asyncio
import json
import os
from typing import Any, ClassVar

import httptools
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from fieldoffice.web.one_write import OneWritePerTurn
from fieldoffice.web.ratelimit import client_key
from fieldoffice.web.settings import SETTINGS_ENV, ServeSettings
from fieldoffice.web.shared_connections import SharedConnections, sharing

SLOW_SECONDS = 1.0  # a request still arriving after this long is slow: shed before a busy one


def _json_reply(status: int, reason: str, code: str, message: str, extra: bytes = b"") -> bytes:
    body = json.dumps({"error": {"code": code, "message": message, "details": None}}).encode()
    return (
        b"HTTP/1.1 %d %s\r\ncontent-type: application/json\r\ncontent-length: %d\r\n"
        b"connection: close\r\n%s\r\n" % (status, reason.encode(), len(body), extra)
    ) + body


def client_share(max_connections: int) -> int:
    """How many connections one client may hold: a sixteenth, at least 8 (in each process;
    with --redis, in all of them together)."""
    return max(8, max_connections // 16)


class _HeadTooLarge(Exception):
    pass


class GuardedProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol, plus a header-size cap (however the head arrives), a
    request-read deadline, an idle deadline for connections that never send a request, and the
    per-process and per-client connection caps. (The header count is checked by the app's Guard,
    which sees the parsed headers.)"""

    # serve's settings reach a worker process through the environment (`configure` rereads them)
    settings: ServeSettings = ServeSettings.from_env()
    clients: ClassVar[dict[str, set[GuardedProtocol]]] = {}  # this process's connections by client
    shared: ClassVar[SharedConnections | None] = None  # with --redis: the other processes' counts
    _sharing_started: ClassVar[bool] = False

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._head_bytes = 0  # bytes of the head received (it may sit in the parser, unparsed)
        self._head_parsed = 0  # bytes of the head the parser has handed over (URL, headers)
        self._reading_head = True
        self._reading_since: float | None = None  # when the request now arriving began
        self._deadline: asyncio.TimerHandle | None = None
        self._key: str | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(OneWritePerTurn(transport, self.loop))
        self._opened = self.loop.time()
        if not self._admit():
            return
        # uvicorn arms its idle timer only after a response; a silent new connection gets it too
        self.timeout_keep_alive_task = self.loop.call_later(
            self.timeout_keep_alive, self.timeout_keep_alive_handler
        )

    def _admit(self) -> bool:
        """Take this connection into its client's share, shedding to make room; False (and the
        connection answered and closed) when there is none."""
        host = self.client[0] if self.client else "-"
        key = client_key({"client": self.client})
        proxy = host in self.settings.trusted_proxies
        mine = self.clients.get(key, set())
        if not proxy and not self._room_for(key, mine):
            self._turn_away(429, "Too Many Requests", "too_many_connections",
                            "your address has too many connections open; close some, or try again in a moment")  # fmt: skip
            return False
        if len(self.connections) > self.settings.max_connections:
            biggest = max(self.clients.values(), key=len, default=set())
            if len(biggest) <= len(mine) or not _shed(biggest, self.loop.time()):
                self._turn_away(503, "Service Unavailable", "busy",
                                "the server has too many open connections; try again in a moment")  # fmt: skip
                return False
        self._key = key
        self.clients.setdefault(key, set()).add(self)
        return True

    def _room_for(self, key: str, mine: set[GuardedProtocol]) -> bool:
        """Room in the client's share for one more connection, its connections in the other
        processes counted (as last read, with --redis); its own idle, then slow, connections
        here are closed to make it. False when closing those is not enough."""
        shared = self._sharing()
        elsewhere = 0
        if shared is not None:
            if not mine:
                shared.asked(key)
            elsewhere = shared.others(key)
        share = client_share(self.settings.max_connections)
        if len(mine) + elsewhere < share:
            return True
        # without others' counts one is closed, as ever; with them, as many as this client
        # holds here beyond what they leave (one already closing still counted until it is gone)
        over = 1 if not elsewhere else _live(mine) + elsewhere + 1 - share
        now = self.loop.time()
        while over > 0 and _shed(mine, now):
            over -= 1
        return over <= 0

    def _sharing(self) -> SharedConnections | None:
        """The shared counts, started on this process's loop by its first connection; None
        without Redis."""
        if not GuardedProtocol._sharing_started:
            GuardedProtocol._sharing_started = True
            GuardedProtocol.shared = sharing(self.settings.redis, self.clients)
            if GuardedProtocol.shared is not None:
                GuardedProtocol.shared.start(self.loop)
        return GuardedProtocol.shared

    def _turn_away(self, status: int, reason: str, code: str, message: str) -> None:
        self.transport.write(_json_reply(status, reason, code, message, b"retry-after: 1\r\n"))
        self.transport.close()

    def connection_lost(self, exc: Exception | None) -> None:
        self._cancel_deadline()
        if self._key is not None:
            mine = self.clients.get(self._key)
            if mine is not None:
                mine.discard(self)
                if not mine:
                    del self.clients[self._key]
            self._key = None
        super().connection_lost(exc)

    def sheddable(self, now: float) -> tuple[int, float] | None:
        """(0, opened) for an idle connection, (1, began) for one whose request is arriving slowly;
        None for one being answered or closing (never shed)."""
        if self.transport is None or self.transport.is_closing():
            return None
        if self._reading_since is not None:
            if now - self._reading_since >= SLOW_SECONDS:
                return 1, self._reading_since
            return None
        if self.cycle is not None and not self.cycle.response_complete:
            return None
        return 0, self._opened

    def data_received(self, data: bytes) -> None:
        if self._reading_since is None:
            self._reading_since = self.loop.time()
        if self._reading_head:
            self._head_bytes += len(data)
        self._unset_keepalive_if_required()
        try:
            self.parser.feed_data(data)
        except _HeadTooLarge:
            return
        except httptools.HttpParserError:
            if not self.transport.is_closing():  # (a refusal of ours already said why)
                self.logger.warning("Invalid HTTP request received.")
                self.send_400_response("Invalid HTTP request received.")
            return
        except httptools.HttpParserUpgrade:
            if self._should_upgrade():
                self.handle_websocket_upgrade()
            else:
                self._unsupported_upgrade_warning()
        if self._reading_head and self._head_bytes > self.settings.max_header_bytes:
            self._head_refused()

    def _head_refused(self) -> None:
        self._refuse(
            431, "Request Header Fields Too Large", "headers_too_large",
            f"the request's headers are larger than {self.settings.max_header_bytes} bytes",
        )  # fmt: skip

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._reading_head = True
        self._head_parsed = 0
        if self._reading_since is None:
            self._reading_since = self.loop.time()
        self._cancel_deadline()
        self._deadline = self.loop.call_later(self.settings.header_timeout, self._on_deadline)

    def on_url(self, url: bytes) -> None:
        self._count_head(len(url))
        super().on_url(url)

    def on_header(self, name: bytes, value: bytes) -> None:
        # a head sent at once is parsed in one call: counted here, as the parser hands it over
        self._count_head(len(name) + len(value) + 4)
        super().on_header(name, value)

    def _count_head(self, n: int) -> None:
        self._head_parsed += n
        if self._head_parsed > self.settings.max_header_bytes:
            self._head_refused()
            raise _HeadTooLarge  # stops the parser: nothing of this request reaches the app

    def on_headers_complete(self) -> None:
        self._reading_head = False
        self._head_bytes = 0
        super().on_headers_complete()

    def on_message_complete(self) -> None:
        self._cancel_deadline()
        self._reading_head, self._head_bytes = True, 0  # what comes next is a new request's head
        self._reading_since = None
        super().on_message_complete()

    def _cancel_deadline(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _on_deadline(self) -> None:
        self._deadline = None
        if self.transport.is_closing():
            return
        if self.cycle is None or not self.cycle.response_started:
            self._refuse(
                408, "Request Timeout", "request_timeout",
                f"the request did not arrive within {self.settings.header_timeout:g} seconds",
            )  # fmt: skip
        else:
            self.transport.close()

    def _refuse(self, status: int, reason: str, code: str, message: str) -> None:
        self._reading_head = False
        if not self.transport.is_closing():
            self.transport.write(_json_reply(status, reason, code, message))
            self.transport.close()


def _shed(held: set[GuardedProtocol], now: float) -> bool:
    """Close one of these connections to make room: the oldest idle one, else the one whose
    request has been arriving longest. False when every one is being answered."""
    ranked = [(rank, c) for c in held if (rank := c.sheddable(now)) is not None]
    if not ranked:
        return False
    _, victim = min(ranked, key=lambda rc: rc[0])
    victim.transport.close()
    return True


def _live(held: set[GuardedProtocol]) -> int:
    """How many of these connections are not already closing."""
    return sum(1 for c in held if c.transport is not None and not c.transport.is_closing())


def configure() -> ServeSettings:
    """Read this process's settings (from the environment) into the protocol class; the shared
    connection counts (--redis) start with the first connection, on the server's loop."""
    settings = ServeSettings.from_env()
    GuardedProtocol.settings = settings
    GuardedProtocol.shared, GuardedProtocol._sharing_started = None, False
    return settings


def run(host: str, port: int, settings: ServeSettings) -> None:
    import uvicorn

    os.environ[SETTINGS_ENV] = settings.to_env()
    configure()
    uvicorn.run(
        "fieldoffice.web.app:app_from_env", factory=True, host=host, port=port,
        workers=settings.workers, log_level="warning", access_log=False,
        http="fieldoffice.web.server:GuardedProtocol",
        timeout_keep_alive=settings.keep_alive, timeout_graceful_shutdown=10,
        forwarded_allow_ips=",".join(settings.trusted_proxies), proxy_headers=True,
    )  # fmt: skip
