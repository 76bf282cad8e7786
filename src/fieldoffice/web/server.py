"""How `fieldoffice serve` runs: uvicorn, with the connection limits a public server needs.

uvicorn has a keep-alive idle timeout, a listen backlog and graceful shutdown, and those are used
as they are. Its default HTTP parser (httptools) has no header-size cap, no header-read timeout,
no idle timeout for a connection that never sends a byte, and no connection cap; those four are
added here, in a subclass of uvicorn's own protocol, so one slow or greedy client cannot hold the
server's memory, sockets or time.
"""

from __future__ import annotations

import asyncio
import json
import os
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from fieldoffice.web.settings import SETTINGS_ENV, ServeSettings


def _json_reply(status: int, reason: str, code: str, message: str, extra: bytes = b"") -> bytes:
    body = json.dumps({"error": {"code": code, "message": message, "details": None}}).encode()
    return (
        b"HTTP/1.1 %d %s\r\ncontent-type: application/json\r\ncontent-length: %d\r\n"
        b"connection: close\r\n%s\r\n" % (status, reason.encode(), len(body), extra)
    ) + body


class GuardedProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol, plus a header-size cap, a request-read deadline, an idle
    deadline for connections that never send a request, and a per-process connection cap.
    (The header count is checked by the app's Guard, which sees the parsed headers.)"""

    settings: ServeSettings = ServeSettings()  # replaced in each process by `configure`

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._head_bytes = 0
        self._reading_head = True
        self._deadline: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        if len(self.connections) > self.settings.max_connections:
            transport.write(
                _json_reply(503, "Service Unavailable", "busy",
                            "the server has too many open connections; try again in a moment",
                            b"retry-after: 1\r\n")
            )  # fmt: skip
            transport.close()
            return
        # uvicorn arms its idle timer only after a response; a silent new connection gets it too
        self.timeout_keep_alive_task = self.loop.call_later(
            self.timeout_keep_alive, self.timeout_keep_alive_handler
        )

    def connection_lost(self, exc: Exception | None) -> None:
        self._cancel_deadline()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self._reading_head:
            self._head_bytes += len(data)
        super().data_received(data)
        if self._reading_head and self._head_bytes > self.settings.max_header_bytes:
            self._refuse(
                431, "Request Header Fields Too Large", "headers_too_large",
                f"the request's headers are larger than {self.settings.max_header_bytes} bytes",
            )  # fmt: skip

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._reading_head = True
        self._cancel_deadline()
        self._deadline = self.loop.call_later(self.settings.header_timeout, self._on_deadline)

    def on_headers_complete(self) -> None:
        self._reading_head = False
        self._head_bytes = 0
        super().on_headers_complete()

    def on_message_complete(self) -> None:
        self._cancel_deadline()
        self._reading_head, self._head_bytes = True, 0  # what comes next is a new request's head
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


def configure() -> ServeSettings:
    """Read this process's settings (from the environment) into the protocol class."""
    settings = ServeSettings.from_env()
    GuardedProtocol.settings = settings
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
