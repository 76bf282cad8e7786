#!/usr/bin/env python3
"""One instance, two behind nginx, and nginx's warm cache: the same mixes, in one run.

    apt-get install wrk nginx
    .venv/bin/python benchmarks/bench_scale.py [--seconds 8] [--connections 50]

Starts `fieldoffice serve --workers 1 --rate-limit off` (one process: the unit that scales) on
127.0.0.1 and measures bench_server.py's mixes against it; then a second instance and
deploy/nginx.conf in front of both, with its cache off, then on and warmed. Each is reported
as req/s, p50 and p99, with its ratio to the one instance. The nginx copy drops the per-client
limit_conn/limit_req lines (wrk is one client) and, for the second row, the cache; nothing else.
Last, a realistic mix (Zipf over the long tail's distinct queries, s=1.1) through the warm cache,
whose hit ratio comes from nginx's access log. docs/scaling.md works from these figures.
"""

from __future__ import annotations

import argparse
import contextlib
import random
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).parent))
from bench_server import (
    LATLON_LUA,
    PAGES,
    TEXT_MIX,
    Run,
    free_port,
    list_lua,
    long_tail,
    wrk,
)  # fmt: skip

ROOT = Path(__file__).resolve().parent.parent
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


def start_serve(port: int, env: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
    exe = str(Path(sys.executable).parent / "fieldoffice")
    return subprocess.Popen([exe, "serve", "--port", str(port), "--workers", "1", "--rate-limit", "off",
                             "--max-pending", "100000"], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip


def ready(base: str) -> None:
    for _ in range(600):
        try:
            urllib.request.urlopen(base + "/api/v1/locate?lat=39.5&lon=-119.8", timeout=1)
            return
        except OSError:
            time.sleep(0.1)
    sys.exit(f"{base} did not start")


def start_nginx(
    prefix: Path, listen: int, ports: list[int], cache: bool
) -> subprocess.Popen[bytes]:
    """deploy/nginx.conf as the tests run it, less the per-client limits (and the cache)."""
    shutil.rmtree(prefix, ignore_errors=True)
    for sub in ("logs", "temp"):
        (prefix / sub).mkdir(parents=True)
    prefix.chmod(0o755)
    text = (ROOT / "deploy" / "nginx.conf").read_text()
    for line in ("limit_conn fo_conn 32;", "limit_req zone=fo_req burst=40 nodelay;"):
        text = text.replace(line, "")
    if not cache:
        text = text.replace("proxy_cache fieldoffice;", "proxy_cache off;")
    (prefix / "nginx.conf").write_text(text)
    (prefix / "listen.conf").write_text(f"listen 127.0.0.1:{listen} backlog=4096;\n")
    servers = "".join(f"    server 127.0.0.1:{p} max_fails=1 fail_timeout=5s;\n" for p in ports)
    (prefix / "upstreams.conf").write_text(
        f"upstream fieldoffice {{\n{servers}    keepalive 64;\n}}\n"
    )
    cmd = [
        NGINX,
        "-p",
        str(prefix),
        "-c",
        str(prefix / "nginx.conf"),
        "-e",
        "stderr",
        "-g",
        "daemon off;",
    ]
    process = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(0.5)
    return process


def mixes(base: str, args: argparse.Namespace, folder: Path, label: str) -> list[Run]:
    text = ["/api/v1/locate?q=" + quote(q) for q in TEXT_MIX]
    pages = [p.format(office="phoenix") for p in PAGES]
    gz = '{["Accept-Encoding"] = "gzip"}'
    for path in text + pages:  # made once (and, behind the cache, kept) before measuring
        for _ in range(2):
            with contextlib.suppress(OSError):
                urllib.request.urlopen(
                    urllib.request.Request(base + path, headers={"Accept-Encoding": "gzip"})
                )
    return [
        wrk(f"{label}: lat/lon", base, LATLON_LUA, args),
        wrk(f"{label}: text-query mix", base, list_lua(text, folder, "text"), args),
        wrk(f"{label}: long tail", base, list_lua(args.tail, folder, "tail"), args),
        wrk(f"{label}: HTML pages (gzip)", base, list_lua(pages, folder, "pages", gz), args),
    ]


def zipf_mix(tail: list[str], n: int, s: float = 1.1) -> list[str]:
    rng = random.Random(11)
    weights = [1 / (rank**s) for rank in range(1, len(tail) + 1)]
    return rng.choices(tail, weights=weights, k=n)


def hit_ratio(log: Path) -> tuple[float, int]:
    statuses = [
        line.split("cache=", 1)[1].split()[0]
        for line in log.read_text().splitlines()
        if "cache=" in line
    ]
    hits = sum(1 for s in statuses if s in ("HIT", "UPDATING", "STALE", "REVALIDATED"))
    return hits / max(1, len(statuses)), len(statuses)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--connections", type=int, default=50)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--seconds", type=int, default=8)
    args = ap.parse_args()
    if not shutil.which("wrk") or not Path(NGINX).is_file():
        sys.exit("wrk and nginx are needed: apt-get install wrk nginx")
    args.tail = long_tail(40_000)
    ports = [free_port(), free_port()]
    listen = free_port()
    processes: list[subprocess.Popen[bytes]] = []
    runs: dict[str, list[Run]] = {}
    prefix = Path(tempfile.mkdtemp(prefix="fieldoffice-bench-nginx-", dir="/tmp"))
    prefix.chmod(0o755)  # nginx's workers (nobody, when started as root) write the cache there
    try:
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            processes.append(start_serve(ports[0]))
            ready(f"http://127.0.0.1:{ports[0]}")
            time.sleep(3)  # warm (Site.warm_up)
            runs["one"] = mixes(f"http://127.0.0.1:{ports[0]}", args, folder, "1 instance")
            processes.append(start_serve(ports[1]))
            ready(f"http://127.0.0.1:{ports[1]}")
            time.sleep(3)
            proxy = f"http://127.0.0.1:{listen}"
            nginx = start_nginx(prefix / "off", listen, ports, cache=False)
            runs["two"] = mixes(proxy, args, folder, "2 behind nginx")
            nginx.terminate()
            nginx.wait()
            nginx = start_nginx(prefix / "on", listen, ports, cache=True)
            processes.append(nginx)
            runs["cache"] = mixes(proxy, args, folder, "nginx warm cache")
            log = prefix / "on" / "logs" / "access.log"
            zipf = zipf_mix(args.tail, 60_000)
            time.sleep(1.5)  # the access log flushes each second
            log.write_text("")
            subprocess.run([NGINX, "-p", str(prefix / "on"), "-c", str(prefix / "on" / "nginx.conf"),
                            "-e", "stderr", "-s", "reopen"], check=False)  # fmt: skip
            realistic = wrk("nginx cache: Zipf mix", proxy, list_lua(zipf, folder, "zipf"), args)
            time.sleep(1.5)
            ratio, counted = hit_ratio(log)
    finally:
        for p in processes:
            p.terminate()
        for p in processes:
            p.wait(timeout=15)
        shutil.rmtree(prefix, ignore_errors=True)
    report(args, runs, realistic, ratio, counted)


def report(args: argparse.Namespace, runs: dict[str, list[Run]], realistic: Run, ratio: float, counted: int) -> None:  # fmt: skip
    print(f"load: wrk -t{args.threads} -c{args.connections} -d{args.seconds}s on the same 2 cores; "
          "instances: fieldoffice serve --workers 1 --rate-limit off")  # fmt: skip
    print(f"{'setup: mix':42}{'req/s':>10}{'x one':>8}{'p50 ms':>9}{'p99 ms':>9}{'non-2xx':>9}")
    for key in ("one", "two", "cache"):
        for r, base in zip(runs[key], runs["one"], strict=True):
            print(
                f"{r.name:42}{r.rps:>10,.0f}{r.rps / base.rps:>8.2f}{r.p50:>9.2f}{r.p99:>9.2f}{r.non2xx:>9,}"
            )
    print(
        f"{realistic.name:42}{realistic.rps:>10,.0f}{'':>8}{realistic.p50:>9.2f}{realistic.p99:>9.2f}{realistic.non2xx:>9,}"
    )
    print(f"Zipf mix (s=1.1 over {len(args.tail):,} distinct queries): cache hit ratio {ratio:.1%} "
          f"of {counted:,} requests")  # fmt: skip
    two = runs["two"][1].rps / runs["one"][1].rps
    cache = runs["cache"][1].rps / runs["one"][1].rps
    print(
        f"{'met ' if cache >= 5 else 'NOT met '}warm cache >= 5x one instance on the text mix ({cache:.2f}x)"
    )
    print(
        f"{'met ' if two >= 1.6 else 'NOT met '}two instances >= 1.6x one on the text mix ({two:.2f}x)"
    )


if __name__ == "__main__":
    main()
