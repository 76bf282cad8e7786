"""The real server under abuse: oversized and slow headers, idle sockets, floods, forged hosts.

Each test starts `fieldoffice serve` as a user would (default limits unless the test is about a
limit's value), talks raw HTTP over sockets, and stops the server.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

EXE = shutil.which("fieldoffice", path=str(Path(sys.executable).parent)) or "fieldoffice"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    def __init__(self, port: int, proc: subprocess.Popen[bytes]) -> None:
        self.port = port
        self.proc = proc
        self.base = f"http://127.0.0.1:{port}"

    def connect(self, timeout: float = 10) -> socket.socket:
        s = socket.create_connection(("127.0.0.1", self.port), timeout=timeout)
        return s

    def raw(self, data: bytes, timeout: float = 10) -> bytes:
        """Send bytes, read until the server closes or a full response head arrives."""
        with self.connect(timeout) as s:
            # the server may refuse before reading everything; its answer still came
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                s.sendall(data)
            return _read_response(s)

    def stop(self) -> str:
        self.proc.terminate()
        try:
            _, err = self.proc.communicate(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            _, err = self.proc.communicate()
        return err.decode(errors="replace")


def _read_response(s: socket.socket) -> bytes:
    data = b""
    try:
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
            head, sep, body = data.partition(b"\r\n\r\n")
            if sep:
                length = [
                    int(line.split(b":", 1)[1])
                    for line in head.split(b"\r\n")
                    if line.lower().startswith(b"content-length:")
                ]
                if length and len(body) >= length[0]:
                    break
    except (ConnectionResetError, TimeoutError):
        pass
    return data


def _status(response: bytes) -> int:
    return int(response.split(b" ", 2)[1]) if response.startswith(b"HTTP/") else 0


@contextmanager
def serving(*args: str) -> Iterator[Server]:
    port = _free_port()
    proc = subprocess.Popen([EXE, "serve", "--port", str(port), *args],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)  # fmt: skip
    server = Server(port, proc)
    try:
        for _ in range(300):
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if proc.poll() is not None:
                    raise RuntimeError(server.stop()) from None
                time.sleep(0.1)
        else:
            raise RuntimeError("server did not start in 30 s")
        yield server
    finally:
        if proc.poll() is None:
            server.stop()


@pytest.fixture(scope="module")
def default_server() -> Iterator[Server]:
    with serving() as server:
        yield server


GET = b"GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\n%s\r\n"


def test_a_2_mb_header_is_refused_fast(default_server: Server) -> None:
    started = time.perf_counter()
    response = default_server.raw(GET % (b"/", b"X-Big: " + b"a" * 2_000_000 + b"\r\n"))
    took = time.perf_counter() - started
    assert _status(response) == 431, response[:200]
    assert b'"headers_too_large"' in response
    assert took < 2, f"took {took:.2f} s to refuse"


def test_many_small_headers_are_refused(default_server: Server) -> None:
    headers = b"".join(b"X-H%d: 1\r\n" % i for i in range(150))
    response = default_server.raw(GET % (b"/api/v1/offices", headers))
    assert _status(response) == 431
    assert b"at most 100 headers" in response


def test_a_body_over_the_limit_is_refused_however_it_is_sent(default_server: Server) -> None:
    chunk = b"a" * 4096
    chunks = b"".join(b"%x\r\n%s\r\n" % (len(chunk), chunk) for _ in range(8)) + b"0\r\n\r\n"
    # (the body is counted as the route reads it: nothing past the cap is kept anywhere)
    response = default_server.raw(
        b"POST /api/v1/verify HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n"
        b"Content-Type: application/x-www-form-urlencoded\r\n\r\n" + chunks
    )
    assert _status(response) == 413, response[:200]
    big = b"a" * 20_000
    response = default_server.raw(
        b"POST /api/v1/locate HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: %d\r\n\r\n%s"
        % (len(big), big)
    )
    assert _status(response) == 413


def test_a_forged_host_is_refused_and_never_echoed(default_server: Server) -> None:
    response = default_server.raw(b"GET /api/v1/offices HTTP/1.1\r\nHost: evil.example\r\n\r\n")
    assert _status(response) == 400
    assert b"host_not_allowed" in response
    # an allowed host with a port; a redirect it causes is relative
    response = default_server.raw(
        b"GET /api/v1/locate/ HTTP/1.1\r\nHost: localhost:%d\r\n\r\n" % default_server.port
    )
    if _status(response) in (301, 302, 303, 307, 308):
        location = [
            line for line in response.split(b"\r\n") if line.lower().startswith(b"location:")
        ]
        assert location and location[0].split(b":", 1)[1].strip().startswith(b"/")
        assert b"localhost" not in location[0]
    else:
        assert _status(response) in (200, 400, 404)


def test_304_only_where_the_answer_would_be_200(default_server: Server) -> None:
    with urllib.request.urlopen(default_server.base + "/api/v1/offices") as r:
        etag = r.headers["ETag"]
    assert etag
    for path, expected in (
        (b"/api/v1/offices", 304),
        (b"/no/such/page", 404),
        (b"/api/v1/locate?lat=abc&lon=1", 400),
    ):
        response = default_server.raw(GET % (path, b"If-None-Match: " + etag.encode() + b"\r\n"))
        assert _status(response) == expected, (path, response[:120])


def test_a_burst_from_one_client_meets_429_with_retry_after(default_server: Server) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", default_server.port, timeout=10)
    statuses: list[int] = []
    retry_after: list[str] = []
    body = b""
    # a client of its own (the server trusts X-Forwarded-For from 127.0.0.1, as behind a proxy)
    headers = {"X-Forwarded-For": "203.0.113.9"}
    for _ in range(600):
        conn.request("GET", "/api/v1/locate?q=Reno%2C%20NV", headers=headers)
        r = conn.getresponse()
        data = r.read()
        statuses.append(r.status)
        if r.status == 429:
            retry_after.append(r.headers.get("Retry-After", ""))
            body = data
    conn.close()
    assert statuses.count(200) >= 60, "a person's pace must be served"
    assert statuses.count(429) >= 300, statuses.count(429)
    assert all(v.isdigit() and int(v) >= 1 for v in retry_after)
    assert json.loads(body)["error"]["code"] == "rate_limited"
    # another client is unaffected
    req = urllib.request.Request(
        default_server.base + "/api/v1/locate?q=Reno%2C%20NV",
        headers={"X-Forwarded-For": "203.0.113.10"},
    )
    with urllib.request.urlopen(req) as r:
        assert r.status == 200


def test_not_found_answers_use_the_allowance_faster(default_server: Server) -> None:
    def served(query: str, client: str) -> int:
        conn = http.client.HTTPConnection("127.0.0.1", default_server.port, timeout=10)
        n = 0
        for _ in range(200):
            conn.request("GET", "/api/v1/locate?q=" + query, headers={"X-Forwarded-For": client})
            r = conn.getresponse()
            r.read()
            if r.status == 429:
                break
            n += 1
        conn.close()
        return n

    cheap = served("Reno%2C%20NV", "198.51.100.1")
    junk = served("qqxzzv%20blorpt", "198.51.100.2")
    assert junk * 2 < cheap, (junk, cheap)


def test_a_slow_header_is_cut_off() -> None:
    with serving("--header-timeout", "1") as server, server.connect() as s:
        s.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
        started = time.perf_counter()
        response = _read_response(s)
        took = time.perf_counter() - started
        assert _status(response) == 408
        assert took < 5


def test_a_trickled_header_is_cut_off_too() -> None:
    """One byte at a time, each well within the idle timeout: the deadline counts from the
    first byte, so trickling does not extend it."""
    with serving("--header-timeout", "1.5", "--keep-alive", "1") as server, server.connect() as s:
        started = time.perf_counter()
        closed = False
        for byte in b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " + b"a" * 40:
            try:
                s.sendall(bytes([byte]))
            except OSError:
                closed = True
                break
            time.sleep(0.1)
            if time.perf_counter() - started > 4:
                break
        response = b"" if closed else _read_response(s)
        assert closed or _status(response) == 408
        assert time.perf_counter() - started < 5


def test_idle_connections_are_closed() -> None:
    with serving("--keep-alive", "1") as server:
        sockets = [server.connect() for _ in range(50)]
        started = time.perf_counter()
        for s in sockets:
            assert s.recv(10) == b""  # closed by the server, having sent nothing
            s.close()
        assert time.perf_counter() - started < 5


def test_connections_over_the_cap_are_turned_away() -> None:
    with serving("--max-connections", "5", "--keep-alive", "30") as server:
        held = [server.connect() for _ in range(5)]
        time.sleep(0.2)
        extra = server.connect()
        response = _read_response(extra)
        assert _status(response) == 503 and b"retry-after: 1" in response.lower()
        for s in held:
            s.close()
        time.sleep(0.3)
        with urllib.request.urlopen(server.base + "/api/v1/offices") as r:
            assert r.status == 200


def test_bad_settings_are_one_clear_line() -> None:
    for args, words in (
        (["--rate-limit", "lots"], "cannot read the rate"),
        (["--max-headers", "0"], "--max-headers must be at least 1"),
        (["--allowed-hosts", ","], "at least one host"),
    ):
        r = subprocess.run([EXE, "serve", "--port", "1", *args], capture_output=True, text=True)
        assert r.returncode == 2, r.stderr
        assert words in r.stderr and "Traceback" not in r.stderr


def test_a_noisy_neighbour_does_not_starve_a_quiet_one() -> None:
    """One client floods not-found queries from 4 connections; another asks cheap questions.
    The quiet client is never refused and its median stays near its quiet median."""
    with serving() as server:

        def cheap_latencies(n: int) -> list[float]:
            conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
            out = []
            for i in range(n):
                t = time.perf_counter()
                conn.request("GET", f"/api/v1/locate?lat=39.5&lon=-119.{i % 90:02d}",
                             headers={"X-Forwarded-For": "192.0.2.50"})  # fmt: skip
                r = conn.getresponse()
                r.read()
                assert r.status == 200, r.status
                out.append(time.perf_counter() - t)
            conn.close()
            return out

        quiet = statistics.median(cheap_latencies(60))
        stop = threading.Event()
        noisy_statuses: list[int] = []

        def flood() -> None:
            # the flood goes on past the quiet client's measure until its allowance runs out
            # (30 not-found answers a minute), however fast this machine answers them
            conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
            i = 0
            deadline = time.monotonic() + 60
            while not (stop.is_set() and 429 in noisy_statuses) and time.monotonic() < deadline:
                conn.request("GET", f"/api/v1/locate?q=zzqx{i}%20blorp",
                             headers={"X-Forwarded-For": "192.0.2.66"})  # fmt: skip
                r = conn.getresponse()
                r.read()
                noisy_statuses.append(r.status)
                i += 1
            conn.close()

        threads = [threading.Thread(target=flood) for _ in range(4)]
        for t in threads:
            t.start()
        try:
            time.sleep(0.5)
            loud = statistics.median(cheap_latencies(60))
        finally:
            stop.set()
            for t in threads:
                t.join()
        assert 429 in noisy_statuses
        assert loud < max(10 * quiet, 0.05), (quiet, loud)


def test_nothing_asked_reaches_the_server_log() -> None:
    secret_mail = "alice.smith@gmail.com"
    with serving() as server:
        for path in (
            "/verify?contact=http%3A%2F%2F%5Balice.smith%40gmail.com%5D%2F",
            "/api/v1/verify?contact=http%3A%2F%2F%5Balice.smith%40gmail.com%5D%2F",
            "/api/v1/verify?contact=alice.smith%40gmail.com",
            "/locate?q=alice.smith%40gmail.com",
            "/api/v1/locate?q=12%20Alice%20Smith%20Lane%2C%20Reno%2C%20NV",
        ):
            try:
                urllib.request.urlopen(server.base + path, timeout=10).read()
            except urllib.error.HTTPError as exc:
                assert exc.code < 500, (path, exc.code)
        err = server.stop()
    assert "alice.smith" not in err.lower() and "alice smith" not in err.lower()
    assert secret_mail not in err


def test_an_unexpected_error_is_logged_without_its_message() -> None:
    """uvicorn logs a crash with its traceback; the filter keeps the frames, drops the words."""
    import logging

    from fieldoffice.web.privacy import scrub_exception as _scrub_exception

    def parse(contact: str) -> None:
        try:
            raise KeyError(contact)
        except KeyError as exc:
            raise ValueError(f"cannot read {contact}") from exc

    secret = "".join(["ali", "ce.smith@gmail.com"])  # not in any source line the frames show
    try:
        parse(secret)
    except ValueError:
        record = logging.LogRecord("uvicorn.error", logging.ERROR, __file__, 1,
                                   "Exception in ASGI application\n", None, sys.exc_info())  # fmt: skip
    assert _scrub_exception(record) is True
    text = logging.Formatter().format(record)
    assert "alice" not in text
    assert "in parse" in text and "builtins.ValueError" in text and "builtins.KeyError" in text
