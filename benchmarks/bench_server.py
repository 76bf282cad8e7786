#!/usr/bin/env python3
"""Load the real server with the request mixes people send, in one run, and print them side by side.

    apt-get install wrk
    .venv/bin/python benchmarks/bench_server.py [--workers 2] [--connections 50] [--seconds 10]
        [--without-hotpath]

Starts `fieldoffice serve --workers N --rate-limit off` on 127.0.0.1 and runs wrk (from Debian)
against it, one mix after another, each reported as req/s, p50, p99 and its ratio to the
lat/lon form:

1. `/api/v1/locate?lat=&lon=` with random lower-48 points (the form the old benchmark measured);
2. the text-query mix: 12 real queries (cities, ZIPs, an address, a county, a split state, two
   not found), as people send them, repeated;
3. the long tail: distinct text queries (real city names with their state, ZIP codes, county
   names, typos and junk that is not found), each sent about once, so no answer is cached;
4. HTML pages: `/`, `/locate?q=Reno, NV`, `/locate?q=Texas`, `/es/`, an office page;
5. the noisy neighbour: one wrk hammering distinct not-found junk while a second wrk measures the
   lat/lon form; its p99 beside the quiet lat/lon p99.

`--without-hotpath` serves /api/v1/locate through FastAPI's routing too (web/hotpath.py made a
pass-through in every server process): run both ways to see what the fast path still buys.
"""

from __future__ import annotations

import argparse
import gzip
import random
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

LATLON_LUA = """
math.randomseed(42)
request = function()
  local lat = 24.5 + math.random() * 24.9
  local lon = -124.8 + math.random() * 57.9
  return wrk.format("GET", string.format("/api/v1/locate?lat=%.5f&lon=%.5f", lat, lon))
end
"""

LIST_LUA = """
local paths = {}
for line in io.lines("%s") do paths[#paths + 1] = line end
local counter = 0
local thread_id = 0
setup = function(thread) thread:set("tid", thread_id); thread_id = thread_id + 1 end
init = function(args) counter = tid * 7919 end
request = function()
  counter = counter + 1
  return wrk.format("GET", paths[(counter %% #paths) + 1], %s)
end
"""

TEXT_MIX = [
    "Reno, NV", "Sacramento", "89501", "10001", "1600 Pennsylvania Ave NW, Washington, DC 20500",
    "Washoe County, NV", "Texas", "Miami, FL", "Springfield, IL", "Fresno County", "zzqx blorp",
    "Renoo Nevadaa qq",
]  # fmt: skip
PAGES = ["/", "/locate?q=Reno%2C%20NV", "/locate?q=Texas", "/es/", "/offices/{office}"]


@dataclass
class Run:
    name: str
    rps: float
    p50: float
    p99: float
    non2xx: int


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def ms(text: str) -> float:
    value, unit = re.match(r"([\d.]+)(us|ms|s)", text).groups()  # type: ignore[union-attr]
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def wrk(name: str, base: str, lua: str, args: argparse.Namespace, connections: int | None = None,
        seconds: int | None = None) -> Run:  # fmt: skip
    with tempfile.NamedTemporaryFile("w", suffix=".lua") as script:
        script.write(lua)
        script.flush()
        out = subprocess.run(
            ["wrk", f"-t{args.threads}", f"-c{connections or args.connections}",
             f"-d{seconds or args.seconds}s", "--latency", "-s", script.name, base],
            capture_output=True, text=True, check=True,
        ).stdout  # fmt: skip
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    p50 = ms(re.search(r"^\s+50%\s+(\S+)", out, re.M).group(1))  # type: ignore[union-attr]
    p99 = ms(re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1))  # type: ignore[union-attr]
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return Run(name, rps, p50, p99, int(bad.group(1)) if bad else 0)


def list_lua(paths: list[str], folder: Path, name: str, headers: str = "nil") -> str:
    f = folder / f"{name}.txt"
    f.write_text("\n".join(paths) + "\n")
    return LIST_LUA % (f, headers)


def first_answers(base: str, path: str, n: int = 4) -> list[float]:
    """The first few answers of one path, each on a new connection (so both workers answer)."""
    times = []
    for _ in range(n):
        t = time.perf_counter()
        req = urllib.request.Request(base + path, headers={"Accept-Encoding": "gzip"})
        try:
            with urllib.request.urlopen(req) as r:
                r.read()
        except urllib.error.HTTPError as exc:
            exc.read()
        times.append((time.perf_counter() - t) * 1000)
    return times


def long_tail(n: int) -> list[str]:
    """Distinct real queries, in random order: counties, county seats' names with their state,
    ZIP-shaped codes (most real), typos and junk."""
    from fieldoffice.directory.context import load_context

    rng = random.Random(7)
    counties = load_context(None).gazetteer.counties
    queries = [f"{c.name}, {c.state}" for c in counties]
    queries += [c.name.removesuffix(" County") + ", " + c.state for c in counties]
    queries += [f"{rng.randint(1000, 99950):05d}" for _ in range(n // 3)]
    letters = "abcdefghijklmnopqrstuvwxyz"
    queries += ["".join(rng.choice(letters) for _ in range(9)) + f" {i}" for i in range(n // 8)]
    for c in counties:
        q = f"{c.name}, {c.state}"
        i = rng.randrange(1, len(q) - 4)
        queries.append(q[:i] + q[i + 1 :])
    rng.shuffle(queries)
    return ["/api/v1/locate?q=" + quote(q) for q in dict.fromkeys(queries)]


PASS_THROUGH = """
import fieldoffice.web.hotpath as hotpath


async def _through(self, scope, receive, send):
    await self.app(scope, receive, send)


hotpath.HotPath.__call__ = _through
"""


def without_hotpath(folder: Path) -> dict[str, str]:
    """An environment whose Python processes (the server and its workers) import a
    sitecustomize that makes the fast path a pass-through."""
    import os

    (folder / "sitecustomize.py").write_text(PASS_THROUGH)
    path = os.pathsep.join(p for p in (str(folder), os.environ.get("PYTHONPATH", "")) if p)
    return {**os.environ, "PYTHONPATH": path}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--connections", type=int, default=50)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--seconds", type=int, default=10)
    ap.add_argument("--without-hotpath", action="store_true",
                    help="answer /api/v1/locate through FastAPI's routing, for comparison")  # fmt: skip
    args = ap.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed: apt-get install wrk")
    exe = str(Path(sys.executable).parent / "fieldoffice")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    patched = tempfile.TemporaryDirectory()
    env = without_hotpath(Path(patched.name)) if args.without_hotpath else None
    server = subprocess.Popen([exe, "serve", "--port", str(port), "--workers", str(args.workers),
                               "--rate-limit", "off", "--max-pending", "100000"], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    runs: list[Run] = []
    cold: dict[str, list[float]] = {}
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(base + "/api/v1/locate?lat=39.5&lon=-119.8", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        time.sleep(4)  # every worker up, and warm (Site.warm_up asks each kind of question once)
        req = urllib.request.Request(base + "/", headers={"Accept-Encoding": "gzip"})
        with urllib.request.urlopen(req) as r:
            raw = r.read()
            home_wire = len(raw)
            encoding = r.headers.get("Content-Encoding")
        home_html = len(gzip.decompress(raw)) if encoding == "gzip" else home_wire
        with urllib.request.urlopen(base + "/api/v1/offices") as r:
            office = re.search(rb'"id":\s*"([^"]+)"', r.read()).group(1).decode()  # type: ignore[union-attr]
        tail = long_tail(40_000)
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            text = ["/api/v1/locate?q=" + quote(q) for q in TEXT_MIX]
            pages = [p.format(office=office) for p in PAGES]
            gz = '{["Accept-Encoding"] = "gzip"}'
            # each worker's first answer of each page and query is made once, then kept: report
            # that cold cost here, and measure the steady state under load below
            cold = {p: first_answers(base, p) for p in text + pages}
            runs.append(wrk("lat/lon API (random points)", base, LATLON_LUA, args))
            runs.append(wrk("text-query mix (12 real queries)", base, list_lua(text, folder, "text"), args))  # fmt: skip
            runs.append(wrk("long tail (distinct queries)", base, list_lua(tail, folder, "tail"), args))  # fmt: skip
            runs.append(wrk("HTML pages (5, gzip)", base, list_lua(pages, folder, "pages", gz), args))  # fmt: skip
            junk = [f"/api/v1/locate?q=zq{i}x%20blorpt{i * 7 % 1000}" for i in range(200_000)]
            noisy_lua = list_lua(junk, folder, "junk")
            noisy: list[Run] = []
            flood = threading.Thread(target=lambda: noisy.append(
                wrk("  the flood (distinct not-found)", base, noisy_lua, args, connections=20,
                    seconds=args.seconds + 2)))  # fmt: skip
            flood.start()
            time.sleep(1)
            runs.append(wrk("lat/lon beside a not-found flood", base, LATLON_LUA, args))
            flood.join()
            runs.extend(noisy)
    finally:
        server.terminate()
        server.wait(timeout=10)
        patched.cleanup()
    base_rps, base_p99 = runs[0].rps, runs[0].p99
    hot = "off (FastAPI routes every request)" if args.without_hotpath else "on"
    print(f"fast path for /api/v1/locate: {hot}")
    print(f"server: fieldoffice serve --workers {args.workers} --rate-limit off; load: wrk "
          f"-t{args.threads} -c{args.connections} -d{args.seconds}s, on the same machine")  # fmt: skip
    print(f"{'mix':36}{'req/s':>10}{'x lat/lon':>10}{'p50 ms':>9}{'p99 ms':>9}{'non-2xx':>9}")
    for r in runs:
        print(
            f"{r.name:36}{r.rps:>10,.0f}{r.rps / base_rps:>10.2f}{r.p50:>9.2f}{r.p99:>9.2f}{r.non2xx:>9,}"
        )
    print()
    goals = [
        ("text-query mix >= 50% of lat/lon, p99 <= 25 ms", runs[1].rps >= 0.5 * base_rps and runs[1].p99 <= 25),
        ("HTML pages >= 20% of lat/lon, p99 <= 60 ms", runs[3].rps >= 0.2 * base_rps and runs[3].p99 <= 60),
        ("noisy-neighbour p99 within 2x of quiet", runs[4].p99 <= 2 * base_p99),
    ]  # fmt: skip
    for text, met in goals:
        print(f"{'met ' if met else 'NOT met '}{text}")
    print(f"noisy/quiet lat/lon p99: {runs[4].p99 / base_p99:.2f}x")
    print("first answers on a started server (ms, each worker makes its own once):")
    for path, times in cold.items():
        print(f"  {path[:60]:62}" + "".join(f"{t:8.1f}" for t in times))
    print(f"GET / with gzip: {home_wire / 1024:.1f} KB ({home_html / 1024:.1f} KB uncompressed)")


if __name__ == "__main__":
    main()
