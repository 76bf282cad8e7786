"""One client's connections counted across every worker and instance, through Redis (`--redis`).

Each process counts its own connections by client (web/server.py's `GuardedProtocol.clients`)
and admits one only within the client's share. With Redis configured, a task on each process's
event loop (`SharedConnections.run`, started by its first connection) shares those counts about
once a second, in one pipelined round trip: for every client it holds a connection of, or has
lately turned away, it writes its count into the hash `fieldoffice:connections:<client>` (one
field per process, named by a random id, stamped with Redis's own clock), takes
its field out for a client it no longer holds, and reads back what the other processes hold.
Admission adds that last-read figure to the client's connections here: it never waits on Redis.
A client's first connection to a process wakes the task at once, so a newcomer is looked up
within a round trip rather than a second.

The rule's limits, by design:

- It is eventual. A client can exceed its share by what it opens on a process before that
  process has read its count elsewhere: within a second, or a round trip for a client new to
  it (a burst faster than that still gets in, up to a share). Only the process it connects to
  closes anything (that client's idle, then slow, connections there, at its next connection);
  what it holds elsewhere is left to the keep-alive timeout.
- A process that stops, or dies (kill -9), stops stamping its fields; after `EXPIRY_SECONDS`
  every reader ignores them and removes them, so no one stays shut out by a dead instance.
- Redis unreachable fails open: each process counts only its own again (as without `--redis`)
  and says so in the log at most once a minute; nothing is refused for it, nothing crashes.

Without Redis nothing here runs: the counts are per process, as before.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import secrets
import time
from collections.abc import Collection, Iterable, Mapping, Sized
from typing import TYPE_CHECKING

from fieldoffice.web.ratelimit import redis_url

if TYPE_CHECKING:
    from redis.asyncio import Redis

SYNC_SECONDS = 1.0
EXPIRY_SECONDS = 3.0  # a process's counts are believed this long after its last sync
WATCH_SECONDS = 10.0  # a client turned away here, holding some elsewhere, is read this long
ROUND_TRIP_SECONDS = 2.0  # a sync that takes longer has failed
KEY_PREFIX = "fieldoffice:connections:"
BATCH = 500  # clients per script call (Redis runs each call alone); all calls in one round trip
log = logging.getLogger("fieldoffice.connections")

# KEYS: one hash per client. ARGV[1]: this process's id; ARGV[2]: the expiry in milliseconds;
# ARGV[2 + i]: this process's connections from KEYS[i] (0: its field goes). A field is
# "COUNT STAMP", STAMP in Redis's own milliseconds, so no two machines' clocks are compared.
# Returns, per key, the connections the other live processes hold; an expired field is removed.
SYNC_SCRIPT = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local me, expiry = ARGV[1], tonumber(ARGV[2])
local out = {}
for i, key in ipairs(KEYS) do
  local mine = tonumber(ARGV[i + 2])
  if mine > 0 then
    redis.call('HSET', key, me, string.format('%d %d', mine, now))
    redis.call('PEXPIRE', key, expiry)
  else
    redis.call('HDEL', key, me)
  end
  local others = 0
  local fields = redis.call('HGETALL', key)
  for j = 1, #fields, 2 do
    if fields[j] ~= me then
      local held, stamp = string.match(fields[j + 1], '^(%d+) (%d+)$')
      if held and now - tonumber(stamp) < expiry then
        others = others + tonumber(held)
      else
        redis.call('HDEL', key, fields[j])
      end
    end
  end
  out[i] = others
end
return out
"""


class SharedConnections:
    """This process's connections by client, written to Redis; the other processes', as last
    read. `held` is the process's own live map (client -> its connections), read at each sync."""

    def __init__(self, url: str, held: Mapping[str, Sized], *, every: float = SYNC_SECONDS,
                 expiry: float = EXPIRY_SECONDS, watch: float = WATCH_SECONDS) -> None:  # fmt: skip
        from redis.asyncio import from_url  # (the redis extra: needed only with --redis)

        self.id = secrets.token_hex(8)
        self.held = held
        self.every, self.expiry, self.watch = every, expiry, watch
        # redis_url spells a Unix socket redis+unix:// for `limits`; redis-py reads unix://
        self.redis: Redis = from_url(url.removeprefix("redis+"), socket_timeout=0.5,
                                   socket_connect_timeout=0.5)  # fmt: skip
        self._others: dict[str, int] = {}
        self._asked: dict[str, float] = {}  # clients asked for here lately, by when (monotonic)
        self._new: set[str] = set()  # asked for since the last sync: looked up at once
        self._written: set[str] = set()  # clients whose field of ours is in Redis
        self._wake = asyncio.Event()
        self._down = False
        self._last_miss = -math.inf
        self._task: asyncio.Task[None] | None = None

    def others(self, client: str) -> int:
        """The client's connections in the other processes, as last read (0: none, or unknown)."""
        return self._others.get(client, 0)

    def asked(self, client: str) -> None:
        """A connection from a client holding none here: read its count elsewhere at once, and,
        while it holds some there, keep reading it a while (turned away here, it may come back)."""
        if client not in self._asked:
            self._new.add(client)
            self._wake.set()
        self._asked[client] = time.monotonic()

    def start(self, loop: asyncio.AbstractEventLoop) -> None:
        """Run the syncs on this loop (the task is kept here: a loop holds its tasks weakly)."""
        self._task = loop.create_task(self.run(), name="fieldoffice-shared-connections")

    async def run(self) -> None:
        """Sync every `every` seconds, and a newcomer as soon as it is asked for, until
        cancelled. (Nothing is taken out at the end: uvicorn ends the process on its stopping
        signal before the loop's tasks are cancelled; a stopped process's fields expire.)"""
        due = 0.0
        while True:
            self._wake.clear()
            if time.monotonic() >= due:
                due = time.monotonic() + self.every
                self._new.clear()  # (they are among the clients asked for lately)
                await self.sync()
            elif self._new:
                new, self._new = self._new, set()
                if not self._down:  # (Redis away: tried again at the next full sync)
                    await self.sync(new)
            if not self._new:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), due - time.monotonic())

    async def sync(self, clients: Iterable[str] | None = None) -> None:
        """One round trip: write this process's counts and read the others', for these clients,
        or (None) for every one held here, asked for lately or written before. Never raises:
        Redis away, the others' counts are forgotten (each process counts its own)."""
        if clients is None:
            now = time.monotonic()
            self._asked = {c: t for c, t in self._asked.items() if now - t < self.watch}
            chosen: Collection[str] = set(self.held) | set(self._asked) | self._written
        else:
            chosen = set(clients)
        counts = {client: len(self.held.get(client, ())) for client in chosen}
        try:
            others = await asyncio.wait_for(self._exchange(counts), ROUND_TRIP_SECONDS)
        except Exception as exc:  # Redis away, slow or refusing: fail open, say so
            self._missed(exc)
            return
        self._down = False
        if clients is None:
            self._others = {}
        for client, n in others.items():
            if n > 0:
                self._others[client] = n
            else:
                self._others.pop(client, None)
                if not counts[client]:  # held nowhere: read again only when asked for again
                    self._asked.pop(client, None)
        self._written = (self._written - counts.keys()) | {c for c, n in counts.items() if n}

    async def _exchange(self, counts: Mapping[str, int]) -> dict[str, int]:
        """Run the script over these clients (in batches, one pipelined round trip)."""
        clients = list(counts)
        if not clients:
            return {}
        pipe = self.redis.pipeline(transaction=False)
        expiry_ms = round(self.expiry * 1000)
        for i in range(0, len(clients), BATCH):
            part = clients[i : i + BATCH]
            pipe.eval(SYNC_SCRIPT, len(part), *(KEY_PREFIX + c for c in part), self.id,
                      expiry_ms, *(counts[c] for c in part))  # fmt: skip
        replies = await pipe.execute()
        return dict(zip(clients, (int(n) for reply in replies for n in reply), strict=True))

    def _missed(self, exc: Exception) -> None:
        self._others.clear()
        self._down = True
        if time.monotonic() - self._last_miss > 60:
            self._last_miss = time.monotonic()
            log.warning("connection counts store (Redis) unreachable (%s); each process "
                        "counts only its own connections", type(exc).__name__)  # fmt: skip


def sharing(url: str | None, held: Mapping[str, Sized]) -> SharedConnections | None:
    """The shared counts for `--redis URL` (else $FIELDOFFICE_REDIS, as the rate limit reads it);
    None without Redis, or without the redis package (said in the log)."""
    chosen = redis_url(url)
    if chosen is None:
        return None
    try:
        return SharedConnections(chosen, held)
    except ImportError:
        log.warning("--redis is set but the redis package is missing (pip install "
                    "'fieldoffice[redis]'): connections are counted per process")  # fmt: skip
        return None
