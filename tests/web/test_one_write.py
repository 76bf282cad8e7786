"""web/one_write.py: what is written in one turn of the loop leaves in one write, in order, and
nothing written before a close is lost."""

from __future__ import annotations

import asyncio
from typing import Any

from fieldoffice.web.one_write import OneWritePerTurn


class Recorder(asyncio.Transport):
    def __init__(self) -> None:
        super().__init__()
        self.writes: list[bytes] = []
        self.closed = self.aborted = False

    def write(self, data: Any) -> None:
        self.writes.append(bytes(data))

    def close(self) -> None:
        self.closed = True

    def abort(self) -> None:
        self.aborted = True

    def is_closing(self) -> bool:
        return self.closed or self.aborted

    def get_write_buffer_size(self) -> int:
        return 0


def run(steps: Any) -> Recorder:
    async def go() -> Recorder:
        inner = Recorder()
        await steps(OneWritePerTurn(inner, asyncio.get_running_loop()), inner)
        return inner

    return asyncio.run(go())


def test_a_head_and_its_body_leave_in_one_write() -> None:
    async def steps(t: OneWritePerTurn, inner: Recorder) -> None:
        t.write(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n")
        t.write(b"{}")
        assert inner.writes == [] and t.get_write_buffer_size() == 40
        await asyncio.sleep(0)

    assert run(steps).writes == [b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n{}"]


def test_writes_in_later_turns_follow_in_order() -> None:
    async def steps(t: OneWritePerTurn, inner: Recorder) -> None:
        t.write(b"a")
        await asyncio.sleep(0)
        t.writelines([b"b", b"c"])
        await asyncio.sleep(0)

    assert run(steps).writes == [b"a", b"bc"]


def test_a_close_sends_what_was_written_first() -> None:
    async def steps(t: OneWritePerTurn, inner: Recorder) -> None:
        t.write(b"429 refused")
        t.close()
        assert inner.writes == [b"429 refused"] and inner.closed
        t.write(b"late")  # after close, as a socket transport: dropped
        await asyncio.sleep(0)

    assert run(steps).writes == [b"429 refused"]


def test_an_abort_drops_what_was_held() -> None:
    async def steps(t: OneWritePerTurn, inner: Recorder) -> None:
        t.write(b"half")
        t.abort()
        await asyncio.sleep(0)

    inner = run(steps)
    assert inner.writes == [] and inner.aborted
