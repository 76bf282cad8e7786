#!/usr/bin/env python3
"""Answers for what names no place, and the slow paths the index replaced, in one run (issue 13).

    .venv/bin/python benchmarks/bench_suggest.py            # -n 21 runs a query, --table 400

For each query, `Locator.locate` in process, median of n runs after one warm-up (the new path:
suggest.py's letter-count bound in numpy, rapidfuzz on the names left), beside the same lookup
followed by the parts that the old path did slowly, through the public API, in turn so that a
change in load reaches both: the suggestions by rapidfuzz over every name and the typo reader over the state's places
(tests/suggest_oracles.py), and every alternative's counties decided afresh
(`Decider.for_counties`). Then the suggestions alone over a table of near misses (real names with
one letter dropped, swapped, inserted or replaced, seeded) with how often the two agree, the cost
of building the index, and the first miss in a fresh process (imports and index included).
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import rapidfuzz

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the oracles live in tests/

from fieldoffice.directory.context import load_context
from fieldoffice.lookup.locate import Locator, areas_of
from fieldoffice.lookup.suggest import (
    NameTable,
    Suggester,
    extra_rows,
    gazetteer_arrays,
    table_arrays,
)
from tests.suggest_oracles import OldSuggestions, OldTypoReader, mutate

QUERIES = [
    "Renoo NV", "Sacremento", "Pheonix, AZ", "Clevland", "xqzzy", "asdf asdf",
    ("qwertyuiop asdfghjkl zxcvbnm " * 11)[:300], "Springfeld", "xqzzy blorp", "Xyzzy, NV",
    "Springfield", "Franklin", "Salem",
]  # fmt: skip


# -- the old paths, as they were before the index ------------------------------------------------------
class OldParts:
    """What the old path did slowly for a query, through the public API: the suggestions for a
    miss, the misspelling read, and every alternative decided afresh."""

    def __init__(self, locator: Locator) -> None:
        self.locator = locator
        self.suggestions = OldSuggestions(locator.understander).suggestions
        self.typos = OldTypoReader(locator.gaz)

    def run(self, q: str) -> None:
        u, dec = self.locator.understander, self.locator.decider
        a = self.locator.locate(q)
        if a.status == "not_found":
            self.suggestions(q)
        split = u.split_state(q)
        if split is not None:
            self.typos.read_as(split[0], split[1].usps)
        named, _ = u.places_named(q)
        for n in named:
            if n.counties:
                dec.for_counties(n.counties)


# -- measuring ---------------------------------------------------------------------------------------
def runs(fn: Callable[[], object], n: int) -> list[float]:
    out = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t) * 1e3)
    return out


def first_miss(old: bool) -> float:
    """ms of the first miss in a fresh process, the context already loaded (snapshots warm)."""
    here = Path(__file__).resolve().parent
    code = (
        f"import sys, time; sys.path.insert(0, {str(here)!r})\n"
        "from fieldoffice.directory.context import load_context\n"
        "from fieldoffice.lookup.locate import Locator\n"
        "from bench_suggest import OldParts\n"
        "loc = Locator(load_context())\n"
        f"run = OldParts(loc).run if {old} else loc.locate\n"
        "run('Houston')\n"
        "t = time.perf_counter(); run('Sacremento')\n"
        "print((time.perf_counter() - t) * 1e3)\n"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return float(r.stdout.split()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("-n", type=int, default=21, help="runs of each query (default 21)")
    ap.add_argument("--table", type=int, default=400, help="near misses in the table (400)")
    args = ap.parse_args()

    ctx = load_context()
    new = Locator(ctx)
    old = OldParts(new)
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, "
          f"load average {os.getloadavg()[0]:.2f}; Python {platform.python_version()}, "
          f"numpy {np.__version__}, rapidfuzz {rapidfuzz.__version__}")  # fmt: skip
    print(f"locate(q) in process, median of {args.n} runs (ms):\n")
    print(
        f"{'query':34} {'status':10} {'old parts':>9} {'new':>8} {'old/new':>8}  same suggestions"
    )
    for q in QUERIES:
        a_new = new.locate(q)  # warm-up
        old.run(q)
        t_new: list[float] = []
        t_old: list[float] = []
        for _ in range(args.n):
            t_old += runs(lambda q=q: old.run(q), 1)
            t_new += runs(lambda q=q: new.locate(q), 1)
        mo, mn = statistics.median(t_old), statistics.median(t_new)
        shown = q if len(q) <= 32 else q[:22] + f"... ({len(q)})"
        if a_new.status != "not_found":
            same = "-"
        elif list(a_new.suggestions) == old.suggestions(q):
            same = "yes"
        else:
            same = "no: " + ", ".join(a_new.suggestions[:3])
        print(f"{shown:34} {a_new.status:10} {mo:9.2f} {mn:8.3f} {mo / mn:7.0f}x  {same}")

    rng = random.Random(13)
    labels = list(OldSuggestions(new.understander).choices())
    table = []
    for _ in range(args.table):
        label = rng.choice(labels)
        head, sep, st = label.rpartition(", ")
        q = mutate(rng, head if sep else label)
        table.append(f"{q}, {st}" if sep and rng.random() < 0.5 else q)
    old_ms, new_ms, agree_top, agree_all = [], [], 0, 0
    for q in table:
        t = time.perf_counter()
        want = old.suggestions(q)
        old_ms.append((time.perf_counter() - t) * 1e3)
        got = new.suggestions(q)
        new_ms.append(min(runs(lambda q=q: new.suggestions(q), 3)))
        agree_top += got[:1] == want[:1]
        agree_all += got == want
    print(f"\nsuggestions alone, {len(table)} near misses (ms): "
          f"old median {statistics.median(old_ms):.2f}, p99 {np.percentile(old_ms, 99):.2f}; "
          f"new median {statistics.median(new_ms):.3f}, p99 {np.percentile(new_ms, 99):.3f}, "
          f"max {max(new_ms):.3f}; ratio of medians "
          f"{statistics.median(old_ms) / statistics.median(new_ms):.0f}x")  # fmt: skip
    print(f"same first suggestion {agree_top}/{len(table)}, same five {agree_all}/{len(table)} "
          "(the new ones may add a named area)")  # fmt: skip

    t = time.perf_counter()
    arrays = gazetteer_arrays(ctx.gazetteer)
    built = (time.perf_counter() - t) * 1e3
    stored = ctx.derived_arrays("suggest-names", lambda: arrays)
    t = time.perf_counter()
    Suggester([NameTable(stored), NameTable(table_arrays(extra_rows(areas_of(ctx).by_key, ctx.directory.offices)))])  # fmt: skip
    loaded = (time.perf_counter() - t) * 1e3
    size = sum(a.nbytes for a in arrays.values()) / 1e6
    print(f"\nindex: built in {built:.0f} ms (once per data version, kept as a derived snapshot of "
          f"{size:.1f} MB); made from the snapshot in {loaded:.1f} ms")  # fmt: skip
    print(f"first miss in a fresh process (imports, index): old {first_miss(True):.0f} ms, "
          f"new {first_miss(False):.0f} ms")  # fmt: skip


if __name__ == "__main__":
    main()
