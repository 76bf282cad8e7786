"""A second client's latency, quiet and under each availability attack of issue 21, in one run.

Starts `fieldoffice serve` (with a store, default limits but --max-connections 120) on a free
port; the second client opens the site from its own loopback address (a fresh connection per
request: the contact page, an office page, a point lookup); each attack comes from other
addresses, as tests/attacks/test_availability_*.py runs them, only longer.

    .venv/bin/python benchmarks/bench_attack.py [-n 60]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.attacks.load import attacking, connect_from, second_client
from tests.attacks.test_availability_bodies import _rss
from tests.attacks.test_availability_connections import _hold
from tests.web.test_server import _read_response, serving


def _login_flood(port: int) -> Callable[[threading.Event], None]:
    def flood(stop: threading.Event) -> None:
        chunk = b"&a=" + b"b" * 65_000
        while not stop.is_set():
            try:
                with connect_from(port, "127.0.0.20", timeout=10) as c:
                    c.sendall(b"POST /admin/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: "
                              b"application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n\r\n")  # fmt: skip
                    for _ in range(90):
                        c.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                    c.sendall(b"0\r\n\r\n")
                    _read_response(c)
            except OSError:
                pass

    return flood


def _held_bodies(port: int) -> Callable[[threading.Event], None]:
    def hold(stop: threading.Event) -> None:
        head = (b"POST /api/v1/admin/users HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: "
                b"application/json\r\nContent-Length: 900001\r\n\r\n")  # fmt: skip
        held = []
        while not stop.is_set():
            if len(held) < 200:
                try:
                    c = connect_from(port, "127.0.0.21")
                    c.sendall(head + b" " * 900_000)
                    held.append(c)
                except OSError:
                    pass
            else:
                stop.wait(0.2)
        for c in held:
            c.close()

    return hold


def _sign_ins(port: int) -> Callable[[threading.Event], None]:
    import http.client
    from urllib.parse import urlencode

    from tests.attacks.load import login_token

    sources = iter(f"127.0.0.{30 + i}" for i in range(10))

    def guess(stop: threading.Event) -> None:
        source = next(sources)
        cookie, token = login_token(port, source)
        body = urlencode({"csrftoken": token, "name": "nobody", "password": "wrong"})
        while not stop.is_set():
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30, source_address=(source, 0))  # fmt: skip
            conn.request("POST", "/admin/login", body=body, headers={
                "Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"})  # fmt: skip
            conn.getresponse().read()
            conn.close()
            stop.wait(0.5)  # 1.9 a second from each of 10 addresses, as in the issue

    return guess


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=60, help="second-client requests per phase")
    n = parser.parse_args().n
    with (
        tempfile.TemporaryDirectory() as tmp,
        serving(
            "--database", f"sqlite:///{Path(tmp) / 'store.db'}", "--max-connections", "120"
        ) as server,
    ):
        port = server.port
        second_client(port, n)  # every path once: caches warm, as they are for the phases after
        attacks: list[tuple[str, Callable[[threading.Event], None], int]] = [
            (
                "idle sockets, reopened (240 from one address)",
                lambda s: _hold(port, s, None, 240),
                1,
            ),
            (
                "slowloris (240 from one address)",
                lambda s: _hold(port, s, b"GET / HTTP/1.1\r\nX-a: " + b"a" * 400, 240),
                1,
            ),
            ("5.8 MB chunked forms to /admin/login, 2 at once", _login_flood(port), 2),
            ("held-open 900 KB bodies to the admin API (200)", _held_bodies(port), 1),
            ("failed sign-ins, 10 addresses at 2/s each", _sign_ins(port), 10),
        ]
        quiet, statuses = second_client(port, n)
        print(f"{'phase':52} {'median':>9} {'x quiet':>8} {'refused':>8} {'server RSS':>11}")
        print(f"{'quiet':52} {quiet * 1000:7.1f}ms {1:7.1f}x {sum(s != 200 for s in statuses):8d} {_rss(server.proc.pid) / 2**20:9.0f}MB")  # fmt: skip
        for name, attack, threads in attacks:
            with attacking(attack, threads):
                loud, statuses = second_client(port, n)
                rss = _rss(server.proc.pid)
            refused = sum(s != 200 for s in statuses)
            print(f"{name:52} {loud * 1000:7.1f}ms {loud / quiet:7.1f}x {refused:8d} {rss / 2**20:9.0f}MB")  # fmt: skip


if __name__ == "__main__":
    main()
