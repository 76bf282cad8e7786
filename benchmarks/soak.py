#!/usr/bin/env python3
"""Soak the real server: a steady mix of real requests for a while, and its memory over time.

    .venv/bin/python benchmarks/soak.py                 # 10 minutes, 4 client threads
    .venv/bin/python benchmarks/soak.py --minutes 2 --threads 2

Starts `fieldoffice serve --rate-limit off` on a free port on 127.0.0.1 (one worker unless
--workers) and drives it from a few threads, each over one http.client keep-alive connection,
with a mix of what people ask:

- pages (gzip, as browsers ask): /, /locate?q=Reno, NV, /locate?q=Texas, /es/, an office page;
- API text queries: cities, ZIP codes, an address, a county, and not-found junk, part of it new
  every time (each one a new entry in the server's answer cache, which must stay bounded);
- API points: random lat/lon over the lower 48.

Every --interval seconds (default 10) it samples the server's resident memory (VmRSS in
/proc/PID/status, summed over the server and its worker processes) and prints a row: elapsed
time, RSS in MB, requests done, requests per second since the last row, errors (5xx, or a
connection that failed). At the end it prints the growth from the first minute to the last
(mean RSS of the samples in each) and exits 0; it exits 1 if the server died.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import shutil
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

CITIES = ["Reno, NV", "Sacramento", "Miami, FL", "Springfield, IL", "Seattle, WA", "El Paso, TX"]
ZIPS = ["89501", "10001", "60601", "33101", "98101"]
ADDRESS = "1600 Pennsylvania Ave NW, Washington, DC 20500"
COUNTIES = ["Washoe County, NV", "Fresno County", "Cook County, IL"]
JUNK = ["zzqx blorp", "Renoo Nevadaa qq", "asdf qwer"]


@dataclass
class Tally:
    done: int = 0
    errors: int = 0
    statuses: dict[int, int] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, status: int | None) -> None:
        with self.lock:
            self.done += 1
            if status is None or status >= 500:
                self.errors += 1
            if status is not None:
                self.statuses[status] = self.statuses.get(status, 0) + 1


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def rss_kb(pid: int) -> int:
    """VmRSS of a process and all its descendants (uvicorn's workers), in kB."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                stat = f.read()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry))
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        todo.extend(children.get(p, []))
        try:
            with open(f"/proc/{p}/status") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
        except OSError:
            pass
    return total


def mix(office: str, rng: random.Random, serial: int, new: float) -> tuple[str, dict[str, str]]:
    """One request: (path, headers), drawn from the mix; `new` is the share of text queries
    that are junk never asked before."""
    r = rng.random()
    if r < 0.12:
        page = rng.choice(["/", "/locate?q=Reno%2C%20NV", "/locate?q=Texas", "/es/", f"/offices/{office}"])  # fmt: skip
        return page, {"Accept-Encoding": "gzip"}
    if r < 0.55:
        kind = rng.random()
        if rng.random() < new:
            q = f"zq{serial}x blorpt"  # new each time: a new cache entry, until the cache is full
        elif kind < 0.35:
            q = rng.choice(CITIES)
        elif kind < 0.55:
            q = rng.choice(ZIPS)
        elif kind < 0.65:
            q = ADDRESS
        elif kind < 0.85:
            q = rng.choice(COUNTIES)
        else:
            q = rng.choice(JUNK)
        return "/api/v1/locate?q=" + quote(q), {}
    lat, lon = rng.uniform(24.5, 49.4), rng.uniform(-124.8, -66.9)
    return f"/api/v1/locate?lat={lat:.5f}&lon={lon:.5f}", {}


def client(port: int, office: str, seed: int, new: float, stop: threading.Event, tally: Tally) -> None:  # fmt: skip
    rng = random.Random(seed)
    conn: http.client.HTTPConnection | None = None
    serial = seed * 10_000_000
    while not stop.is_set():
        serial += 1
        path, headers = mix(office, rng, serial, new)
        try:
            if conn is None:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            conn.request("GET", path, headers=headers)
            response = conn.getresponse()
            response.read()
            tally.add(response.status)
            if response.getheader("Connection", "").lower() == "close":
                conn.close()
                conn = None
        except (OSError, http.client.HTTPException):
            tally.add(None)
            if conn is not None:
                conn.close()
            conn = None
            time.sleep(0.1)
    if conn is not None:
        conn.close()


def wait_ready(port: int, proc: subprocess.Popen[bytes]) -> str:
    """Wait for the server's first answer; return an office id from it."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            sys.exit(f"the server exited with {proc.returncode} before answering")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/api/v1/offices")
            response = conn.getresponse()
            body = response.read()
            conn.close()
            if response.status == 200:
                return str(json.loads(body)[0]["id"])
        except OSError:
            pass
        time.sleep(0.2)
    sys.exit("the server did not answer within 60 s")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--minutes", type=float, default=10.0)
    ap.add_argument("--threads", type=int, default=4, help="client threads (connections)")
    ap.add_argument("--interval", type=float, default=10.0, help="seconds between samples")
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--new-queries", type=float, default=0.1,
                    help="share of API text queries that are junk never asked before (0-1)")  # fmt: skip
    args = ap.parse_args()

    exe = shutil.which("fieldoffice", path=str(Path(sys.executable).parent)) or "fieldoffice"
    port = free_port()
    command = [exe, "serve", "--host", "127.0.0.1", "--port", str(port), "--rate-limit", "off",
               "--workers", str(args.workers)]  # fmt: skip
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    stop = threading.Event()
    tally = Tally()
    threads: list[threading.Thread] = []
    died = False
    try:
        office = wait_ready(port, server)
        print(f"soak: {' '.join(command[1:])}")
        print(f"      {args.threads} client threads, keep-alive, {args.minutes:g} min, "
              f"{os.cpu_count()} cores, Python {sys.version.split()[0]}")  # fmt: skip
        print(f"{'elapsed':>8} {'RSS MB':>8} {'requests':>10} {'req/s':>8} {'errors':>7}")
        started = time.monotonic()
        samples: list[tuple[float, float]] = []

        def sample(last_done: int, last_at: float) -> tuple[int, float]:
            now = time.monotonic()
            rss = rss_kb(server.pid) / 1024
            done, errors = tally.done, tally.errors
            rate = (done - last_done) / max(now - last_at, 1e-9)
            samples.append((now - started, rss))
            print(f"{now - started:7.0f}s {rss:8.1f} {done:10,} {rate:8.0f} {errors:7,}", flush=True)  # fmt: skip
            return done, now

        last = sample(0, started)  # memory before the load
        for i in range(args.threads):
            t = threading.Thread(target=client, args=(port, office, i + 1, args.new_queries, stop, tally), daemon=True)  # fmt: skip
            t.start()
            threads.append(t)
        end = started + args.minutes * 60
        while time.monotonic() < end:
            time.sleep(max(0.0, min(args.interval, end - time.monotonic())))
            if server.poll() is not None:
                died = True
                print(f"the server exited with {server.returncode}", flush=True)
                break
            last = sample(*last)
    finally:
        stop.set()
        for t in threads:
            t.join(timeout=35)
        if server.poll() is None:
            server.terminate()
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
    elapsed = samples[-1][0] if samples else 0.0
    loaded = samples[1:]  # the first sample is before any request
    first = [rss for t, rss in loaded if t <= 60] or [rss for _, rss in loaded[:1]]
    final = [rss for t, rss in loaded if t >= elapsed - 60] or [rss for _, rss in loaded[-1:]]
    statuses = ", ".join(f"{k}: {v:,}" for k, v in sorted(tally.statuses.items()))
    print(f"\n{tally.done:,} requests in {elapsed:.0f} s ({tally.done / max(elapsed, 1e-9):,.0f}/s), "
          f"{tally.errors:,} errors; statuses {statuses}")  # fmt: skip
    if first and final:
        a, b = sum(first) / len(first), sum(final) / len(final)
        print(f"RSS: idle {samples[0][1]:.1f} MB; first minute {a:.1f} MB, last minute {b:.1f} MB: "
              f"growth {b - a:+.1f} MB ({(b - a) / a * 100:+.1f}%); peak {max(r for _, r in loaded):.1f} MB")  # fmt: skip
    return 1 if died else 0


if __name__ == "__main__":
    sys.exit(main())
