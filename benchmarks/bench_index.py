#!/usr/bin/env python3
"""Point -> county: fieldoffice's index beside shapely's STRtree, same points, same run, one core.

    .venv/bin/python benchmarks/bench_index.py [--points 5000000] [--repeat 3]

Prints points/s for the vectorised lookup, microseconds for one point, and the ratios to shapely
`STRtree.query(points, predicate="within")` on the very same county polygons.
"""

from __future__ import annotations

import argparse
import os
import platform
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")  # one core, as the goal is stated

import numpy as np
import shapely
from timing import best  # benchmarks/timing.py, beside this script

from fieldoffice.geo.gazetteer import Gazetteer


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--points", type=int, default=5_000_000)
    ap.add_argument("--shapely-points", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()

    t0 = time.perf_counter()
    gaz = Gazetteer()
    index = gaz.index
    index.lookup_one(lat=39.5, lon=-119.8)
    ready = time.perf_counter() - t0
    polys = gaz.polygons
    tree = shapely.STRtree(polys)

    rng = np.random.default_rng(42)
    lon = rng.uniform(-125.0, -66.9, args.points)  # the lower-48 bounding box
    lat = rng.uniform(24.4, 49.4, args.points)

    t_fo = best(lambda: index.lookup(lat=lat, lon=lon), args.repeat)
    m = args.shapely_points
    sub_lon, sub_lat = lon[:m], lat[:m]
    pts = shapely.points(sub_lon, sub_lat)
    t_sh = best(lambda: tree.query(pts, predicate="within"), args.repeat)
    t_sh_total = best(lambda: tree.query(shapely.points(sub_lon, sub_lat), predicate="within"), 1)

    # one point at a time, through the public scalar path
    k = 20_000
    one_lat, one_lon = lat[:k].tolist(), lon[:k].tolist()

    def singles() -> None:
        for a, b in zip(one_lat, one_lon, strict=True):
            index.lookup_one(lat=a, lon=b)

    t_one = best(singles, args.repeat) / k
    t_sh_one = (
        best(
            lambda: [
                tree.query(shapely.Point(b, a), predicate="within")
                for a, b in zip(one_lat[:5000], one_lon[:5000], strict=True)
            ],
            1,
        )
        / 5000
    )

    # same answers? (the full oracle comparison lives in the test suite)
    got = index.lookup(lat=sub_lat, lon=sub_lon)
    pi, poly = tree.query(pts, predicate="within")
    ref = np.full(m, np.iinfo(np.int64).max)
    np.minimum.at(ref, pi, poly)
    ref[ref == np.iinfo(np.int64).max] = -1
    agree = np.mean(got == ref)

    fo_rate, sh_rate = args.points / t_fo, m / t_sh
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, {platform.python_version()}, "
        f"numpy {np.__version__}, shapely {shapely.__version__}"
    )
    print(
        f"index ready (load + first answer): {ready * 1000:.0f} ms; "
        f"index arrays {index.a.nbytes / 1e6:.0f} MB"
    )
    print(f"{'':34}{'fieldoffice':>14}{'shapely STRtree':>18}{'ratio':>9}")
    print(
        f"{'vectorised, points/s':34}{fo_rate / 1e6:>13.2f}M{sh_rate / 1e6:>17.2f}M{fo_rate / sh_rate:>8.1f}x"
    )
    print(f"{'  (shapely incl. making points)':34}{'':>14}{m / t_sh_total / 1e6:>17.2f}M")
    print(
        f"{'one point, microseconds':34}{t_one * 1e6:>14.2f}{t_sh_one * 1e6:>18.2f}{t_sh_one / t_one:>8.1f}x"
    )
    print(f"points inside a county: {np.mean(got >= 0):.1%}; same county as shapely: {agree:.4%}")


if __name__ == "__main__":
    main()
