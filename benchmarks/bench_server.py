#!/usr/bin/env python3
"""Load the real server from a second process (wrk, from Debian) and print the figures.

    apt-get install wrk
    .venv/bin/python benchmarks/bench_server.py [--workers 2] [--connections 50] [--seconds 15]

Starts `fieldoffice serve` on 127.0.0.1, waits until it answers, runs wrk against
GET /api/v1/locate?lat=&lon= with random points over the lower 48 (a Lua script), measures the
home page's size with gzip, and stops the server.
"""

from __future__ import annotations

import argparse
import gzip
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

LUA = """
math.randomseed(42)
request = function()
  local lat = 24.5 + math.random() * 24.9
  local lon = -124.8 + math.random() * 57.9
  return wrk.format("GET", string.format("/api/v1/locate?lat=%.5f&lon=%.5f", lat, lon))
end
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def ms(text: str) -> float:
    value, unit = re.match(r"([\d.]+)(us|ms|s)", text).groups()  # type: ignore[union-attr]
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--connections", type=int, default=50)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--seconds", type=int, default=15)
    args = ap.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed: apt-get install wrk")
    exe = str(Path(sys.executable).parent / "fieldoffice")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen([exe, "serve", "--port", str(port), "--workers", str(args.workers),
                               "--rate-limit", "off", "--max-pending", "100000"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(base + "/api/v1/locate?lat=39.5&lon=-119.8", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        time.sleep(2)  # every worker up and warm
        req = urllib.request.Request(base + "/", headers={"Accept-Encoding": "gzip"})
        with urllib.request.urlopen(req) as r:
            raw = r.read()
            home_wire = len(raw)
            encoding = r.headers.get("Content-Encoding")
        home_html = len(gzip.decompress(raw)) if encoding == "gzip" else home_wire
        with tempfile.NamedTemporaryFile("w", suffix=".lua") as lua:
            lua.write(LUA)
            lua.flush()
            out = subprocess.run(
                ["wrk", f"-t{args.threads}", f"-c{args.connections}", f"-d{args.seconds}s", "--latency",
                 "-s", lua.name, base], capture_output=True, text=True, check=True,
            ).stdout  # fmt: skip
    finally:
        server.terminate()
        server.wait(timeout=10)
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    p50 = ms(re.search(r"^\s+50%\s+(\S+)", out, re.M).group(1))  # type: ignore[union-attr]
    p99 = ms(re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1))  # type: ignore[union-attr]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    print(
        f"server: fieldoffice serve --workers {args.workers}; load: wrk -t{args.threads} "
        f"-c{args.connections} -d{args.seconds}s, random lower-48 points"
    )
    print(f"{'':38}{'measured':>12}{'goal':>12}{'ratio':>9}")
    print(f"{'GET /api/v1/locate?lat=&lon=, req/s':38}{rps:>12,.0f}{3000:>12,}{rps / 3000:>8.1f}x")
    print(f"{'  p50 latency, ms':38}{p50:>12.2f}")
    print(f"{'  p99 latency, ms':38}{p99:>12.2f}{20:>12}{20 / p99:>8.1f}x")
    print(f"{'  answers outside any county (404)':38}{int(errors.group(1)) if errors else 0:>12,}")
    print(
        f"{'GET / transferred with gzip, KB':38}{home_wire / 1024:>12.1f}{150:>12}{150 / (home_wire / 1024):>8.1f}x"
    )
    print(f"{'  (uncompressed, KB)':38}{home_html / 1024:>12.1f}")
    print(
        "PostGIS single lookups (issue figure for orientation): about 5,000-6,000 queries/s over one connection"
    )


if __name__ == "__main__":
    main()
