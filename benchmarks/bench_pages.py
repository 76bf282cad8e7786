#!/usr/bin/env python3
"""Page weight and render time of the site's pages in Chromium, as a person on a phone gets them.

    .venv/bin/python benchmarks/bench_pages.py [-n 7] [--width 390]

Starts `fieldoffice serve --rate-limit off` on 127.0.0.1 (private use: the benchmark asks far
more than a person would) and, per page:

- transfer size: the HTML as sent with `Accept-Encoding: gzip` (the bytes on the wire), its
  uncompressed size, and the page with what it loads (the stylesheet and the icon, gzipped too);
- render time in Debian's Chromium through Playwright, from `performance.timing`: the server's
  answer (responseEnd - requestStart), DOMContentLoaded and load (from navigationStart), each in
  a fresh browser context (nothing cached in the browser); the first load of each page is the
  server's first (it renders and draws the map), the median is over the rest (answers from the
  server's response cache, as a popular page is).

Budgets from issue 14: `/` under 60 KB gzipped, every answer page under 100 KB. Measured here,
never as timed assertions in the tests.
"""

from __future__ import annotations

import argparse
import gzip
import os
import shutil
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
PAGES = [
    ("/", 60_000),
    ("/locate?q=Texas", 100_000),
    ("/es/", 60_000),
    ("/locate?q=Reno%2C+NV", 100_000),
    ("/es/locate?q=Texas", 100_000),
    ("/states/TX", 100_000),
]
SUBRESOURCES = ["/static/style.css", "/static/favicon.svg"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _serve() -> tuple[subprocess.Popen[bytes], str]:
    exe = shutil.which("fieldoffice", path=str(Path(sys.executable).parent)) or "fieldoffice"
    port = _free_port()
    proc = subprocess.Popen([exe, "serve", "--host", "127.0.0.1", "--port", str(port), "--rate-limit", "off"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            urllib.request.urlopen(base + "/api/v1/offices", timeout=1)
            return proc, base
        except OSError:
            time.sleep(0.1)
    proc.terminate()
    raise RuntimeError("the server did not start in 30 s")


def wire_size(url: str) -> tuple[int, int]:
    """(bytes sent with gzip, bytes of the content), from the server's own encoding."""
    req = urllib.request.Request(url, headers={"Accept-Encoding": "gzip"})
    with urllib.request.urlopen(req, timeout=30) as r:
        body = r.read()
        gz = r.headers.get("Content-Encoding") == "gzip"
    return len(body), len(gzip.decompress(body) if gz else body)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)  # fmt: skip
    ap.add_argument("-n", type=int, default=7, help="loads per page (first is cold)")
    ap.add_argument("--width", type=int, default=390, help="viewport width (height 844)")
    args = ap.parse_args()
    from playwright.sync_api import sync_playwright

    proc, base = _serve()
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])  # fmt: skip
            rows = []
            for path, budget in PAGES:
                timings = []
                for _ in range(args.n):
                    context = browser.new_context(viewport={"width": args.width, "height": 844})
                    page = context.new_page()
                    page.goto(base + path, wait_until="load")
                    t = page.evaluate(
                        """() => { const t = performance.timing; return [
                           t.responseEnd - t.requestStart,
                           t.domContentLoadedEventEnd - t.navigationStart,
                           t.loadEventEnd - t.navigationStart]; }"""
                    )
                    timings.append(t)
                    context.close()
                sent, raw = wire_size(base + path)
                extra = sum(wire_size(base + s)[0] for s in SUBRESOURCES)
                first, rest = timings[0], timings[1:] or timings[:1]
                med = [statistics.median(x[i] for x in rest) for i in range(3)]
                rows.append((path, sent, raw, sent + extra, budget, first, med))
            browser.close()
    finally:
        proc.terminate()
        proc.wait(timeout=10)

    print(f"viewport {args.width} x 844, {args.n} loads per page, machine: {os.cpu_count()} cores")
    print(f"{'page':24} {'gzip':>8} {'raw':>8} {'+css,icon':>10} {'budget':>8}   "
          f"{'server':>7} {'DOM':>6} {'load':>6}   {'first: server/DOM/load':>24}")  # fmt: skip
    for path, sent, raw, total, budget, first, med in rows:
        ok = "ok" if sent < budget else "OVER"
        print(f"{path:24} {sent / 1000:7.1f}K {raw / 1000:7.1f}K {total / 1000:9.1f}K "
              f"{budget // 1000:5d}K {ok:>2}  {med[0]:5.0f}ms {med[1]:4.0f}ms {med[2]:4.0f}ms   "
              f"{first[0]:6.0f} / {first[1]:4.0f} / {first[2]:4.0f} ms")  # fmt: skip


if __name__ == "__main__":
    main()
