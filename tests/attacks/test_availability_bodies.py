"""Issue 21, availability, against the real server with its store: bodies and sign-ins.

Before the fix: a 6 MB form to /admin/login was parsed on the event loop (about 1 s each) before
any sign-in; held-open bodies to the admin API were buffered before the rate limit (200 took RSS
up by 1.5 GB); failed sign-ins ran argon2 in the public pages' thread pool. Now a body is counted
as it is read and refused past its path's cap, a client has at most 8 requests in hand, a form is
parsed off the loop, and sign-ins wait in a lane of their own (over it: 429 with Retry-After).
"""

from __future__ import annotations

import contextlib
import http.client
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import pytest

from tests.attacks.load import attacking, connect_from, login_token, second_client, within
from tests.web.test_server import Server, _read_response, _status, serving


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Server, float]]:
    store = tmp_path_factory.mktemp("store") / "store.db"
    with serving("--database", f"sqlite:///{store}") as s:
        second_client(s.port, 6)
        quiet, statuses = second_client(s.port)
        assert set(statuses) == {200}
        yield s, quiet


def _rss(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return 0


def test_a_large_form_to_the_login_is_refused_unread(server: tuple[Server, float]) -> None:
    s, quiet = server
    body = b"name=x&password=" + b"a" * 6_000_000
    started = time.perf_counter()
    response = s.raw(b"POST /admin/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: "
                     b"application/x-www-form-urlencoded\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body))  # fmt: skip
    assert _status(response) == 413 and time.perf_counter() - started < 2

    def flood(stop: threading.Event) -> None:  # chunked: no length to refuse up front
        chunk = b"&a=" + b"b" * 65_000
        while not stop.is_set():
            try:
                with connect_from(s.port, "127.0.0.20", timeout=10) as c:
                    c.sendall(b"POST /admin/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: "
                              b"application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n\r\n")  # fmt: skip
                    for _ in range(90):
                        c.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                    c.sendall(b"0\r\n\r\n")
                    _read_response(c)
            except OSError:
                pass

    with attacking(flood, threads=2):
        loud, statuses = second_client(s.port)
    assert set(statuses) == {200}, statuses
    assert within(quiet, loud), (quiet, loud)


def test_held_open_bodies_are_not_buffered(server: tuple[Server, float]) -> None:
    s, quiet = server
    before = _rss(s.proc.pid)
    held = []
    head = (b"POST /api/v1/admin/users HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: "
            b"application/json\r\nContent-Length: %d\r\n\r\n")  # fmt: skip
    try:
        over = connect_from(s.port, "127.0.0.21")
        over.sendall(head % 6_000_000 + b"{" * 60_000)
        assert _status(_read_response(over)) == 413  # over the admin API's cap: not read at all
        refused = 0
        for _ in range(40):  # under the cap, sent but for the last byte, held open
            c = connect_from(s.port, "127.0.0.21")
            c.sendall(head % 900_001 + b" " * 900_000)
            held.append(c)
        time.sleep(1)
        for c in held:
            c.settimeout(0.2)
            with contextlib.suppress(TimeoutError):
                refused += _status(c.recv(200)) == 429
        grown = _rss(s.proc.pid) - before
        loud, statuses = second_client(s.port)
    finally:
        for c in held:
            c.close()
    assert refused >= 30, refused  # at most 8 in hand per client
    assert grown < 40_000_000, grown
    assert set(statuses) == {200}, statuses
    assert within(quiet, loud), (quiet, loud)


def test_failed_sign_ins_wait_in_their_own_lane(server: tuple[Server, float]) -> None:
    s, quiet = server
    seen: list[int] = []
    retry: list[str] = []

    def guess(stop: threading.Event, source: str) -> None:
        cookie, token = login_token(s.port, source)
        body = urlencode({"csrftoken": token, "name": "nobody", "password": "wrong"})
        while not stop.is_set():
            conn = http.client.HTTPConnection("127.0.0.1", s.port, timeout=30, source_address=(source, 0))  # fmt: skip
            conn.request("POST", "/admin/login", body=body, headers={
                "Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"})  # fmt: skip
            r = conn.getresponse()
            r.read()
            seen.append(r.status)
            if r.status == 429:
                retry.append(r.getheader("retry-after") or "")
            conn.close()
            stop.wait(0.2)

    sources = iter(f"127.0.0.{30 + i}" for i in range(8))
    with attacking(lambda stop: guess(stop, next(sources)), threads=8):
        loud, statuses = second_client(s.port)
    assert set(statuses) == {200}, statuses
    assert within(quiet, loud), (quiet, loud)
    assert 401 in seen and 429 in seen, sorted(set(seen))
    assert all(v.isdigit() for v in retry)
