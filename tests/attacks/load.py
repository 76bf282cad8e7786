"""What the availability attacks share: a second client that measures its answers, attackers
that speak from addresses of their own (127.0.0.0/8 is all this machine's, so each client binds
its own loopback address and the server sees distinct clients), and the real server."""

from __future__ import annotations

import http.client
import re
import socket
import statistics
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

QUIET_PATHS = ("/api/v1/locate?lat=39.5&lon=-119.{i:02d}", "/offices/boston", "/")
SECOND = "127.0.0.3"  # the second client, never an attacker
_seconds = iter(f"127.0.1.{i}" for i in range(1, 255))  # a fresh allowance for each measurement


def ask(port: int, path: str, source: str = SECOND, timeout: float = 30) -> tuple[int, float]:
    """One GET on a fresh connection, as a browser opening the site: (status, seconds)."""
    started = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout,
                                      source_address=(source, 0))  # fmt: skip
    try:
        conn.request("GET", path)
        r = conn.getresponse()
        r.read()
        return r.status, time.perf_counter() - started
    except OSError:
        return 0, time.perf_counter() - started
    finally:
        conn.close()


def second_client(port: int, n: int = 24) -> tuple[float, list[int]]:
    """The second client's median latency over `n` requests, and every status it got; each
    measurement from an address of its own, so the rate limit counts it afresh."""
    source = next(_seconds)
    statuses, took = [], []
    for i in range(n):
        path = QUIET_PATHS[i % len(QUIET_PATHS)].format(i=i % 90)
        status, seconds = ask(port, path, source)
        statuses.append(status)
        took.append(seconds)
    return statistics.median(took), statuses


def within(quiet: float, loud: float) -> bool:
    """The goal: within 3x of quiet (a floor of 50 ms for a quiet median of a few ms, which
    the scheduler of a shared 2-core machine alone can triple)."""
    return loud <= max(3 * quiet, 0.05)


@contextmanager
def attacking(attack: Callable[[threading.Event], None], threads: int = 1) -> Iterator[None]:
    """Run `attack(stop)` on threads until the block ends."""
    stop = threading.Event()
    running = [threading.Thread(target=attack, args=(stop,), daemon=True) for _ in range(threads)]
    for t in running:
        t.start()
    try:
        time.sleep(0.5)  # the attack is under way
        yield
    finally:
        stop.set()
        for t in running:
            t.join(timeout=15)


def connect_from(port: int, source: str, timeout: float = 5) -> socket.socket:
    return socket.create_connection(("127.0.0.1", port), timeout=timeout,
                                    source_address=(source, 0))  # fmt: skip


def login_token(port: int, source: str) -> tuple[str, str]:
    """(cookie header, token) of the login form, as a browser gets them."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30, source_address=(source, 0))
    conn.request("GET", "/admin/login")
    r = conn.getresponse()
    page = r.read().decode()
    cookie = (r.getheader("set-cookie") or "").split(";")[0]
    conn.close()
    m = re.search(r'name="csrftoken" value="([^"]+)"', page)
    assert m, page[:300]
    return cookie, m.group(1)
