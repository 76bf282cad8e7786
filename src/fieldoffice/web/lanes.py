"""Expensive work in lanes of its own, so public answers never wait behind it.

A lane is a few threads of its own (an anyio limiter, not the default thread pool the public
pages use) and a short queue: past the queue, a request is refused at once with 429 and a
Retry-After, before its body is read. Three lanes:

- `PASSWORDS`: checking a password (argon2id, about 0.14 s and 64 MiB each). `Lanes` admits a
  sign-in into it before anything is read; `PASSWORDS.run(check, ...)` runs the check there.
- `UPLOADS`: reading an uploaded page. `Lanes` admits an upload into it; `read_upload` reads
  the page as `fieldoffice ingest` does, in the ingest sandbox's child process (its time limits,
  its memory cap), so the lane's thread only waits.
- `FORMS`: parsing an editors' form (csrf.py), never on the event loop.
- `PUBLISHES`: a publish or a rollback and the swap to the new version, from the site or the API.

Each lane is per worker process.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import anyio
import anyio.to_thread
from anyio.lowlevel import RunVar
from starlette.types import ASGIApp, Receive, Scope, Send

from fieldoffice.web.refusal import refusal

if TYPE_CHECKING:
    from fieldoffice.directory.context import Context
    from fieldoffice.editing.ingest import IngestReport

T = TypeVar("T")


class LaneFull(Exception):
    def __init__(self, lane: Lane) -> None:
        super().__init__(f"the {lane.name} lane is full")
        self.lane = lane


class Lane:
    """`workers` at once, `queue` more waiting; past that, LaneFull. With `pace`, admitted
    requests start at least `pace` seconds apart (in order), so the lane's work takes at most
    its share of the cores however many ask."""

    def __init__(self, name: str, workers: int, queue: int, retry_after: int, pace: float = 0) -> None:  # fmt: skip
        self.name, self.workers, self.queue, self.retry_after = name, workers, queue, retry_after
        self.pace, self.next_start = pace, 0.0
        self._limiter: RunVar[anyio.CapacityLimiter] = RunVar(f"fieldoffice-lane-{name}")
        self.admitted = 0

    @property
    def limiter(self) -> anyio.CapacityLimiter:
        """This lane's threads on the running event loop (each loop has its own)."""
        try:
            return self._limiter.get()
        except LookupError:
            limiter = anyio.CapacityLimiter(self.workers)
            self._limiter.set(limiter)
            return limiter

    @contextlib.asynccontextmanager
    async def admit(self) -> AsyncIterator[None]:
        """A place in the lane (running or queued) for the request's whole life."""
        if self.admitted >= self.workers + self.queue:
            raise LaneFull(self)
        self.admitted += 1
        try:
            if self.pace:
                now = time.monotonic()
                start = max(now, self.next_start)
                self.next_start = start + self.pace
                await anyio.sleep(start - now)
            yield
        finally:
            self.admitted -= 1

    async def run(self, fn: Callable[..., T], *args: Any) -> T:
        """`fn(*args)` on one of this lane's threads (waiting in its queue for one)."""
        return await anyio.to_thread.run_sync(fn, *args, limiter=self.limiter)


# argon2id with the library's defaults uses 4 threads and 64 MiB for about 0.14 s: one check
# every half second at most is a sixth of two cores, and 2 sign-ins a second is many for editors
PASSWORDS = Lane("sign-in", workers=1, queue=3, retry_after=2, pace=0.5)
UPLOADS = Lane("upload", workers=1, queue=0, retry_after=10)
FORMS = Lane("form", workers=1, queue=64, retry_after=1)
# a publish or rollback lints, compiles and warms the new version: seconds of work, one at a time
# (the store's publish lock orders them anyway), taken after sign-in is checked, so no one can
# queue here without an account; it never holds a thread the public pages answer from
PUBLISHES = Lane("publish", workers=1, queue=0, retry_after=5)
RESERVED_THREADS = (
    PASSWORDS.workers + UPLOADS.workers + FORMS.workers + PUBLISHES.workers
)  # added to the default pool, see edge.py
ROUTES = {("POST", "/admin/login"): PASSWORDS, ("POST", "/admin/upload"): UPLOADS}


class Lanes:
    """Pure ASGI: a sign-in or an upload takes its place in its lane before its body is read,
    and holds it until answered; a full lane is a 429 with Retry-After."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        lane = ROUTES.get((scope.get("method", ""), scope.get("path", ""))) if scope["type"] == "http" else None  # fmt: skip
        if lane is None:
            await self.app(scope, receive, send)
            return
        try:
            async with lane.admit():
                await self.app(scope, receive, send)
        except LaneFull:
            message = f"too many {lane.name}s at once; try again in {lane.retry_after} seconds"
            headers, body = refusal(scope, 429, "busy", message, lane.retry_after)
            await send({"type": "http.response.start", "status": 429, "headers": headers})
            await send({"type": "http.response.body", "body": body})


def read_upload(ctx: Context, data: bytes, name: str, allow: bool) -> IngestReport:
    """An uploaded page read as `fieldoffice ingest` reads it (ingest_page, nothing written)."""
    from fieldoffice.editing.ingest import ingest_page

    return ingest_page(ctx, data, source=Path(name), target=None, commit=False,
                       allow_removals=allow, allow_unreadable=allow)  # fmt: skip
