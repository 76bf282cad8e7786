"""One write to the socket per turn of the event loop, so an answer leaves whole or not at all.

uvicorn writes a response's status line and headers, then its body, as separate socket writes. An
instance killed between the two has told the proxy in front "200, 954 bytes follow" and then sent
none: nginx has already passed the status on and can no longer try the request on another
instance, so the client gets a cut answer. Holding what is written in one turn of the loop and
sending it in one write at the end of the turn closes that gap for every answer that is written in
one turn (all of this site's public answers), at no cost in latency: the flush runs in the same
loop iteration.
"""

from __future__ import annotations

import asyncio
from typing import Any


class OneWritePerTurn(asyncio.Transport):
    """A socket transport whose writes within one turn of the loop go out as one write."""

    def __init__(self, inner: asyncio.Transport, loop: asyncio.AbstractEventLoop) -> None:
        super().__init__()
        self._inner = inner
        self._loop = loop
        self._held: list[bytes] = []
        self._flush_at: asyncio.Handle | None = None

    def write(self, data: bytes | bytearray | memoryview) -> None:
        if not data or self._inner.is_closing():
            return
        self._held.append(bytes(data))
        if self._flush_at is None:
            self._flush_at = self._loop.call_soon(self._flush)

    def writelines(self, list_of_data: Any) -> None:
        for data in list_of_data:
            self.write(data)

    def _flush_now(self) -> None:
        if self._flush_at is not None:
            self._flush_at.cancel()
        self._flush()

    def _flush(self) -> None:
        self._flush_at = None
        if self._held:
            data, self._held = b"".join(self._held), []
            self._inner.write(data)

    def close(self) -> None:
        # what was written before close still goes, as a plain transport's buffer would
        self._flush_now()
        self._inner.close()

    def abort(self) -> None:
        if self._flush_at is not None:
            self._flush_at.cancel()
            self._flush_at = None
        self._held = []
        self._inner.abort()

    def can_write_eof(self) -> bool:
        return self._inner.can_write_eof()

    def write_eof(self) -> None:
        self._flush_now()
        self._inner.write_eof()

    def get_write_buffer_size(self) -> int:
        return self._inner.get_write_buffer_size() + sum(map(len, self._held))

    def get_write_buffer_limits(self) -> tuple[int, int]:
        return self._inner.get_write_buffer_limits()

    def set_write_buffer_limits(self, high: int | None = None, low: int | None = None) -> None:
        self._inner.set_write_buffer_limits(high, low)

    def is_closing(self) -> bool:
        return self._inner.is_closing()

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return self._inner.get_extra_info(name, default)

    def pause_reading(self) -> None:
        self._inner.pause_reading()

    def resume_reading(self) -> None:
        self._inner.resume_reading()

    def is_reading(self) -> bool:
        return self._inner.is_reading()

    def set_protocol(self, protocol: asyncio.BaseProtocol) -> None:
        self._inner.set_protocol(protocol)

    def get_protocol(self) -> asyncio.BaseProtocol:
        return self._inner.get_protocol()
