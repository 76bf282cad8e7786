"""The site being served, and how it follows the store.

File mode (`serve --directory FILE`): one site for the life of the process. Store mode: the
site of the version in force; a publish in this process swaps it before the publish answers,
and every other process (a worker, another host on the same PostgreSQL) learns of it and loads
and swaps it whole. On PostgreSQL every publish and rollback announces its version as
it commits (NOTIFY, store/versions.py, from the site or the CLI alike) and every serving process
listens (LISTEN), so the others start loading within milliseconds; on both stores a poll of the
newest version id twice a second stays as the fallback (SQLite, an announcement that failed, a
listening connection lost). Each swap is logged
with how it was learnt of and how long it took (`fieldoffice.live`, and `LiveSite.swaps`).
A request holds the site it started with (`Pin`, a context variable set when it arrives), so
no answer mixes two versions.
"""

from __future__ import annotations

import datetime as dt
import logging
import sys
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from contextvars import ContextVar
from pathlib import Path

from starlette.types import ASGIApp, Receive, Scope, Send

from fieldoffice.directory.context import load_context
from fieldoffice.store.database import Database
from fieldoffice.web.site import Site

POLL_SECONDS = 0.5  # + ~1.3 s to load a new version: other processes switch within 2 s
AS_OF_SITES = 4  # sites of past versions kept for ?as_of= (each holds its own indexes)
log = logging.getLogger("fieldoffice.live")
_pinned: ContextVar[Site | None] = ContextVar("fieldoffice_site", default=None)


def version_site(toml: str, version: int | None = None) -> Site:
    """A site for a version's text: written once as a file (content-addressed), then loaded
    the way any directory file is (its snapshots shared by every process)."""
    from fieldoffice.store.published import version_context

    return Site(version_context(toml), version)


class LiveSite:
    def __init__(self, site: Site, store: Database | None = None, version: int | None = None,
                 directory: Path | None = None) -> None:  # fmt: skip
        self._site = site
        self.store = store
        self.version = version
        self.directory = directory  # file mode: the file or folder of versions (for as_of)
        self._swap = threading.Lock()
        self._past: OrderedDict[object, Site] = OrderedDict()
        self._stop = threading.Event()
        self.swaps: list[tuple[int, str, float]] = []  # (version, how learnt, seconds to load)

    @classmethod
    def from_store(cls, store: Database) -> LiveSite:
        from fieldoffice.store.published import version_in_force

        number, toml = version_in_force(store, hint="run `fieldoffice db import FILE --publish`")
        return cls(version_site(toml, number), store, number)

    @property
    def site(self) -> Site:
        """The site this request started with (else the one served now)."""
        return _pinned.get() or self._site

    def refresh(self, how: str = "publish") -> bool:
        """Load the newest published version if it is not the one served; True if it swapped.
        Called just after a publish in this process, and by the listener and the poller. (The
        publish itself told the other processes: store/versions.py announces every commit.)"""
        if self.store is None:
            return False
        from fieldoffice.store.versions import current_version, latest_id

        if latest_id(self.store) == self.version:
            return False
        with self._swap:
            v = current_version(self.store)
            if v is None or v.id == self.version:
                return False
            started = time.perf_counter()
            site = version_site(v.toml, v.id)
            # swap first, then warm: a request in the next second may wait for an index, but
            # none is answered from the old version once the new one is readable
            self._site, self.version = site, v.id
            took = time.perf_counter() - started
            self.swaps = [*self.swaps[-9:], (v.id, how, took)]
            log.info("serving directory version %s (learnt by %s; loaded in %.0f ms)",
                     v.id, how, took * 1000)  # fmt: skip
            site.warm_up()
            log.info("version %s warm in %.0f ms", v.id, (time.perf_counter() - started) * 1000)
            return True

    def start_polling(self, seconds: float = POLL_SECONDS) -> None:
        if self.store is None:
            return
        _show_swaps()

        def poll() -> None:
            while not self._stop.wait(seconds):
                try:
                    self.refresh(how="polling")
                except Exception:  # a database away for a moment: keep serving, try again
                    log.warning("could not check the store for a new version", exc_info=False)

        threading.Thread(target=poll, name="fieldoffice-live", daemon=True).start()
        if self.store.dialect == "postgresql":
            threading.Thread(target=self._listen, name="fieldoffice-listen", daemon=True).start()

    def _listen(self) -> None:
        """LISTEN for publishes; on a lost connection wait a second and listen again."""
        from fieldoffice.store.notify import listen

        assert self.store is not None
        store = self.store

        def heard(version: int | None) -> None:
            if version is None or version != self.version:
                self.refresh(how="notify")

        while not self._stop.is_set():
            try:
                listen(store, heard, self._stop.is_set)
            except Exception as exc:
                log.warning("lost the store's publish channel (%s); polling until it is back",
                            type(exc).__name__)  # fmt: skip
                self._stop.wait(1.0)

    def stop(self) -> None:
        self._stop.set()

    def as_of(self, day: dt.date) -> Site:
        """The site of the version in force on `day`."""
        if self.store is not None:
            from fieldoffice.store.published import version_in_force

            number, toml = version_in_force(self.store, day)
            if number == self.version:
                return self._site
            return self._kept(("version", number), lambda: version_site(toml, number))
        return self._kept(("file", day), lambda: Site(load_context(self.directory, as_of=day)))

    def _kept(self, key: object, make: Callable[[], Site]) -> Site:
        with self._swap:
            site = self._past.get(key)
            if site is not None:
                self._past.move_to_end(key)
                return site
        site = make()
        with self._swap:
            self._past[key] = site
            while len(self._past) > AS_OF_SITES:
                self._past.popitem(last=False)
        return site


def _show_swaps() -> None:
    """A serving process says when it swaps versions (uvicorn logs only warnings): one line on
    stderr per swap, unless the embedding program set up logging itself."""
    if not log.handlers and not logging.getLogger().handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(asctime)s %(name)s: %(message)s"))
        log.addHandler(handler)
        log.setLevel(logging.INFO)


class Pin:
    """Pure ASGI: each request reads one site from start to end, even across a swap."""

    def __init__(self, app: ASGIApp, live: LiveSite) -> None:
        self.app = app
        self.live = live

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        token = _pinned.set(self.live._site)
        try:
            await self.app(scope, receive, send)
        finally:
            _pinned.reset(token)
