#!/usr/bin/env python3
"""How long a command takes from the shell, beside `python -c "import numpy"`, in one run.

    .venv/bin/python benchmarks/bench_startup.py            # 10 runs of each, medians
    .venv/bin/python benchmarks/bench_startup.py -n 20 --serve

Each command is a fresh process, timed from start to exit like hyperfine (median of N runs, and
the fastest): `import numpy` as the yardstick; `fieldoffice locate "Reno, NV"` with the snapshots
in place (warm) and with an empty cache folder every run (cold: everything is built and stored);
`fieldoffice verify 202-732-4646` warm; with --serve, the web app's start (create_app, the
warm-up included) in a fresh process, and `fieldoffice serve` from start to its first HTTP answer.
The cache folder is found as a user's is (platformdirs), under a temporary $XDG_CACHE_HOME, so
the user's own is left alone. The package's bytecode is compiled first (`compileall`), as an
install does: with PYTHONDONTWRITEBYTECODE set and no bytecode, every run would compile the
sources again. --point adds `fieldoffice locate "39.53, -119.81"` (index and near index mapped).
"""

from __future__ import annotations

import argparse
import compileall
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
FIELDOFFICE = str(BIN / "fieldoffice")


def timed(cmd: list[str], env: dict[str, str], fresh_cache: bool = False) -> float:
    """Seconds from start to exit of one run (with a new, empty cache folder if fresh_cache)."""
    run_env = dict(env)
    tmp = tempfile.mkdtemp(prefix="fo-cold-") if fresh_cache else None
    if tmp:
        run_env["XDG_CACHE_HOME"] = tmp
    try:
        t = time.perf_counter()
        subprocess.run(cmd, env=run_env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        return time.perf_counter() - t
    finally:
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)


def serve_boot(env: dict[str, str]) -> float:
    """Seconds from starting `fieldoffice serve` to its first answer over HTTP."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"http://127.0.0.1:{port}/api/v1/offices"
    t = time.perf_counter()
    p = subprocess.Popen([FIELDOFFICE, "serve", "--port", str(port)], env=env,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    try:
        while True:
            try:
                with urllib.request.urlopen(url, timeout=2) as r:
                    r.read()
                return time.perf_counter() - t
            except OSError:
                if p.poll() is not None:
                    raise RuntimeError("fieldoffice serve exited") from None
                time.sleep(0.01)
    finally:
        p.terminate()
        p.wait()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("-n", type=int, default=10, help="runs of each command (default 10)")
    ap.add_argument("--cold-runs", type=int, default=3, help="runs of the cold start (default 3)")
    ap.add_argument("--serve", action="store_true", help="also time the web app's start")
    ap.add_argument("--point", action="store_true", help="also time a point lookup")
    ap.add_argument("--no-compile", action="store_true", help="do not compile bytecode first")
    args = ap.parse_args()

    if not args.no_compile:
        compileall.compile_dir(str(ROOT / "src" / "fieldoffice"), quiet=2)
    cache = tempfile.mkdtemp(prefix="fo-bench-")
    # the cache folder is found as a user's is (platformdirs), in a temporary XDG_CACHE_HOME
    env = dict(os.environ, XDG_CACHE_HOME=cache)
    env.pop("FIELDOFFICE_CACHE", None)
    env.pop("FIELDOFFICE_DIRECTORY", None)
    py = sys.executable
    locate = [FIELDOFFICE, "locate", "Reno, NV"]
    verify = [FIELDOFFICE, "verify", "202-732-4646"]
    point = [FIELDOFFICE, "locate", "39.53, -119.81"]
    app = [py, "-c", "from fieldoffice.web.app import create_app; create_app()"]
    cases: list[tuple[str, Callable[[], float], int]] = [
        ('python -c "import numpy"', lambda: timed([py, "-c", "import numpy"], env), args.n),
        ('fieldoffice locate "Reno, NV" (warm)', lambda: timed(locate, env), args.n),
        (
            'fieldoffice locate "Reno, NV" (cold)',
            lambda: timed(locate, env, fresh_cache=True),
            args.cold_runs,
        ),
        ("fieldoffice verify 202-732-4646 (warm)", lambda: timed(verify, env), args.n),
    ]
    warm_ups = [locate, verify]
    if args.point:
        cases.append(
            ('fieldoffice locate "39.53, -119.81" (warm)', lambda: timed(point, env), args.n)
        )
        warm_ups.append(point)
    if args.serve:
        cases.append(("create_app() in a fresh process (warm)", lambda: timed(app, env), args.n))
        cases.append(
            ("fieldoffice serve: start to first answer (warm)", lambda: serve_boot(env), args.n)
        )
        warm_ups.append(app)
    times: dict[str, list[float]] = {name: [] for name, _, _ in cases}
    try:
        for cmd in warm_ups:  # build the snapshots (and the derived arrays) once
            subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, check=False)
        # round robin: a change in the machine's load reaches every command alike
        for i in range(max(runs for _, _, runs in cases)):
            for name, run, runs in cases:
                if i < runs:
                    times[name].append(run())
    finally:
        shutil.rmtree(cache, ignore_errors=True)

    base = statistics.median(times[cases[0][0]])
    print(f"{os.cpu_count()} cores, Python {sys.version.split()[0]}, load {os.getloadavg()[0]:.2f}")
    print(f"{'command':<48} {'median':>8} {'fastest':>8} {'runs':>5} {'x numpy':>8}")
    for name, ts in times.items():
        med = statistics.median(ts)
        print(f"{name:<48} {med:>7.3f}s {min(ts):>7.3f}s {len(ts):>5} {med / base:>7.1f}x")


if __name__ == "__main__":
    main()
