#!/usr/bin/env python3
"""Boundary tolerance ("is another territory within 5 km?"): NearIndex beside shapely, one run.

    .venv/bin/python benchmarks/bench_near.py [--points 2000000] [--groups directory|state]

Prints the build time, then points/s for the county lookup alone, near_other alone, and both
together, on 1 and 2 threads in 256k-point chunks (numpy releases the GIL), each also per CPU
second (what it costs when another process holds a core); the share of points the grid leaves to
the exact kernel; and two shapely peers: STRtree dwithin on the same kept edges, and STRtree
dwithin on per-group unions (planar degrees, the tolerance as degrees of latitude: close to, not
exactly, the same question). Two point sets: uniform over the lower-48 box, and a mix where half
the points lie within 10 km of a line between two groups (where the kernel runs most).
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

os.environ.setdefault("OMP_NUM_THREADS", "1")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the oracle lives in tests/

import numpy as np
import shapely
from timing import best  # benchmarks/timing.py, beside this script

from fieldoffice.directory.context import load_context
from fieldoffice.geo.index import PointIndex
from fieldoffice.geo.index_build import polygon_edges
from fieldoffice.geo.near import CHECK, NearIndex, km_per_degree
from fieldoffice.geo.near_build import build_near_index
from tests.geo.near_oracles import fast_path

CHUNK = 1 << 18


def groups_of(kind: str) -> tuple[np.ndarray, list[str], np.ndarray]:
    ctx = load_context()
    gaz = ctx.gazetteer
    if kind == "state":
        keys: list[object] = [c.fips[:2] for c in gaz.counties]
    else:  # counties with the same set of offices (no office is a set too)
        keys = [ctx.territories.offices_of(c.fips) for c in gaz.counties]
    ids: dict[object, int] = {}
    group = np.array([ids.setdefault(k, len(ids)) for k in keys], dtype=np.int32)
    return gaz.polygons, [c.fips for c in gaz.counties], group


def near_boundary_points(
    near: NearIndex, n: int, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Points within 10 km (local frame) of the lines between groups, uniform along them."""
    xy, _, _ = near.edges
    # a kept segment kept twice (once per side) separates two groups; a coast is kept once
    canon = np.where((xy[:, 0] > xy[:, 2])[:, None], xy[:, [2, 3, 0, 1]], xy)
    _, inv, cnt = np.unique(canon, axis=0, return_inverse=True, return_counts=True)
    mid = (xy[:, :2] + xy[:, 2:]) / 2
    lower48 = (mid[:, 0] > -125) & (mid[:, 0] < -66.9) & (mid[:, 1] > 24.4) & (mid[:, 1] < 49.4)
    pick = np.flatnonzero(lower48 & (cnt[inv.ravel()] >= 2))
    kx, ky = km_per_degree(mid[pick, 1])
    length = np.hypot((xy[pick, 2] - xy[pick, 0]) * kx, (xy[pick, 3] - xy[pick, 1]) * ky)
    e = rng.choice(pick, size=n, p=length / length.sum())
    t = rng.uniform(0, 1, n)
    x = xy[e, 0] + t * (xy[e, 2] - xy[e, 0])
    y = xy[e, 1] + t * (xy[e, 3] - xy[e, 1])
    kx, ky = km_per_degree(y)
    dx, dy = (xy[e, 2] - xy[e, 0]) * kx, (xy[e, 3] - xy[e, 1]) * ky
    norm = np.hypot(dx, dy)
    off = rng.uniform(-10, 10, n)  # km along the normal
    return x - dy / norm * off / kx, y + dx / norm * off / ky


def timed(fn: Callable[[], object], repeat: int = 5) -> tuple[float, float]:
    """Wall and CPU seconds (all threads) of the fastest of `repeat` runs. On a shared machine
    the CPU figure says what the code costs even when another process takes a core."""
    runs = []
    for _ in range(repeat):
        w, c = time.perf_counter(), time.process_time()
        fn()
        runs.append((time.perf_counter() - w, time.process_time() - c))
    return min(runs)


def rate(n: int, work: Callable[[slice], object], threads: int) -> tuple[float, float]:
    """Points per wall second and per CPU second, over 256k-point chunks."""
    slices = [slice(s, min(s + CHUNK, n)) for s in range(0, n, CHUNK)]
    with ThreadPoolExecutor(threads) as pool:

        def run() -> None:
            if threads == 1:
                for s in slices:
                    work(s)
            else:
                for _ in pool.map(work, slices):
                    pass

        wall, cpu = timed(run)
    return n / wall, n / cpu


def measure(index: PointIndex, near: NearIndex, x: np.ndarray, y: np.ndarray) -> dict[str, Any]:
    c = index.lookup(lat=y, lon=x)
    inside = np.flatnonzero(c >= 0)
    xi, yi, ci = x[inside], y[inside], c[inside]

    def lookup(s: slice) -> object:
        return index.lookup(lat=y[s], lon=x[s])

    def near_only(s: slice) -> object:
        return near.near_other(xi[s], yi[s], ci[s])

    def both(s: slice) -> object:
        k = index.lookup(lat=y[s], lon=x[s])
        m = np.flatnonzero(k >= 0)
        return near.near_other(x[s][m], y[s][m], k[m])

    flag = near.near_other(xi, yi, ci)
    kernel = float(np.mean(fast_path(near, xi, yi, ci) == CHECK))
    return {
        "lookup": rate(len(x), lookup, 1),
        "lookup2": rate(len(x), lookup, 2),
        "near": rate(len(xi), near_only, 1),
        "near2": rate(len(xi), near_only, 2),
        "both": rate(len(x), both, 1),
        "both2": rate(len(x), both, 2),
        "inside": len(inside) / len(x),
        "flagged": float(flag.mean()),
        "kernel": kernel,
    }


def shapely_peer(near: NearIndex, x: np.ndarray, y: np.ndarray, g: np.ndarray) -> float:
    """Points/s for STRtree dwithin over the kept edges, then "any edge of another group".

    Planar degrees with the tolerance as degrees of latitude: cheaper than the local frame, so
    this flatters shapely slightly; it is the nearest thing shapely offers out of the box.
    """
    xy, _, gid = near.edges
    tree = shapely.STRtree(shapely.linestrings(xy.reshape(-1, 2, 2)))
    tol_deg = near.tolerance_km / float(km_per_degree(40.0)[1])  # about 0.046 degrees

    def run() -> np.ndarray:
        pts = shapely.points(x, y)
        p, e = tree.query(pts, predicate="dwithin", distance=tol_deg)
        out = np.zeros(len(x), dtype=bool)
        out[p[gid[e] != g[p]]] = True
        return out

    return len(x) / best(run, 1)


def union_peer(
    near: NearIndex,
    polys: np.ndarray,
    group: np.ndarray,
    x: np.ndarray,
    y: np.ndarray,
    g: np.ndarray,
) -> float:
    """Points/s for dwithin of each point to per-group unions (an STRtree of 22 or so big
    polygons), then "a group other than the point's"; the unions are made beforehand, untimed."""
    groups = np.unique(group)
    unions = [shapely.union_all(polys[group == k]) for k in groups]
    tree = shapely.STRtree(unions)
    tol_deg = near.tolerance_km / float(km_per_degree(40.0)[1])  # about 0.046 degrees

    def run() -> np.ndarray:
        p, u = tree.query(shapely.points(x, y), predicate="dwithin", distance=tol_deg)
        out = np.zeros(len(x), dtype=bool)
        out[p[groups[u] != g[p]]] = True
        return out

    return len(x) / best(run, 1)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--points", type=int, default=2_000_000)
    ap.add_argument("--shapely-points", type=int, default=100_000)
    ap.add_argument("--union-points", type=int, default=10_000)
    ap.add_argument("--groups", choices=["directory", "state"], default="directory")
    args = ap.parse_args()

    load0 = f"{os.getloadavg()[0]:.2f}"
    polys, _, group = groups_of(args.groups)
    ctx = load_context()
    index = ctx.gazetteer.index
    edges, owner = polygon_edges(polys)
    t_build = best(lambda: build_near_index(edges, owner, group, ctx.gazetteer.tolerance_km), 3)
    near = build_near_index(edges, owner, group, ctx.gazetteer.tolerance_km)
    t_load = best(lambda: NearIndex.from_arrays(near.to_arrays()), 3)
    other = "state" if args.groups == "directory" else "directory"
    _, _, other_group = groups_of(other)
    t_other = best(
        lambda: build_near_index(edges, owner, other_group, ctx.gazetteer.tolerance_km), 3
    )

    rng = np.random.default_rng(42)
    n = args.points
    ux, uy = rng.uniform(-125.0, -66.9, n), rng.uniform(24.4, 49.4, n)
    bx, by = near_boundary_points(near, n // 2, rng)
    mx, my = np.concatenate([ux[: n - n // 2], bx]), np.concatenate([uy[: n - n // 2], by])
    perm = rng.permutation(n)
    mx, my = mx[perm], my[perm]

    uni = measure(index, near, ux, uy)
    mix = measure(index, near, mx, my)

    # one point through the same vectorised code (length-1 arrays)
    k = 5000
    c1 = index.lookup(lat=uy[:k], lon=ux[:k])
    pts = [(np.array([a]), np.array([b]), np.array([c], dtype=np.int32))
           for a, b, c in zip(ux[:k], uy[:k], c1, strict=True) if c >= 0]  # fmt: skip
    t_one = best(lambda: [near.near_other(a, b, c) for a, b, c in pts], 3) / len(pts)
    bpts = [(float(a), float(b)) for a, b in zip(bx[:2000], by[:2000], strict=True)]
    t_within = best(lambda: [near.within(a, b) for a, b in bpts], 3) / len(bpts)
    t_nearest = best(lambda: [near.nearest(np.array([a]), np.array([b])) for a, b in bpts], 3)
    t_nearest /= len(bpts)

    # the peer, on the first points of the uniform set that are inside a county
    m = args.shapely_points
    c = index.lookup(lat=uy, lon=ux)
    ins = np.flatnonzero(c >= 0)[:m]
    sh = shapely_peer(near, ux[ins], uy[ins], near.county_groups[c[ins]])
    few = ins[: args.union_points]
    un = union_peer(near, polys, group, ux[few], uy[few], near.county_groups[c[few]])

    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, {platform.python_version()}, "
        f"numpy {np.__version__}, shapely {shapely.__version__}"
    )
    print(
        f"groups: {args.groups} ({len(np.unique(group))}); kept edges {len(near.edges[0]):,} of "
        f"{len(edges):,}; index {near.nbytes / 1e6:.1f} MB"
    )
    print(
        f"build: {t_build:.3f} s ({other} groups: {t_other:.3f} s); "
        f"from_arrays: {t_load * 1e6:.0f} us"
    )
    print(f"load average before / after: {load0} / {os.getloadavg()[0]:.2f}")
    print(f"{'M points per second (per CPU-s)':34}{'uniform':>20}{'mixed':>20}")
    rows = [
        ("lookup alone, 1 thread", "lookup"),
        ("lookup alone, 2 threads", "lookup2"),
        ("near_other alone, 1 thread", "near"),
        ("near_other alone, 2 threads", "near2"),
        ("lookup + near_other, 1 thread", "both"),
        ("lookup + near_other, 2 threads", "both2"),
    ]
    for name, key in rows:
        cells = [f"{w / 1e6:.1f} ({c / 1e6:.1f})" for w, c in (uni[key], mix[key])]
        print(f"{name:34}{cells[0]:>20}{cells[1]:>20}")
    for name, key in [("inside a county", "inside"), ("near another group", "flagged"),
                      ("left to the kernel", "kernel")]:  # fmt: skip
        print(f"{name:34}{uni[key]:>20.2%}{mix[key]:>20.2%}")
    print(
        f"shapely STRtree(kept edges) dwithin + group test, 1 thread, {len(ins):,} points: "
        f"{sh / 1e6:.2f}M/s; near_other is {uni['near'][0] / sh:.0f}x"
    )
    print(
        f"shapely STRtree(per-group unions) dwithin, 1 thread, {len(few):,} points: "
        f"{un / 1e3:.1f}k/s; near_other is {uni['near'][0] / un:,.0f}x"
    )
    print(
        f"one point (length-1 arrays): near_other {t_one * 1e6:.1f} us, "
        f"nearest {t_nearest * 1e6:.1f} us, within {t_within * 1e6:.1f} us"
    )
    print("(mixed: half uniform, half within 10 km of a line between two groups, lower 48)")


if __name__ == "__main__":
    main()
