#!/usr/bin/env python3
"""Batch assignment beside its peers, on the same county polygons and the same points, in one run.

    .venv/bin/pip install -e '.[bench,dask]'
    .venv/bin/python benchmarks/bench_batch.py                 # 10M points; peers on samples
    .venv/bin/python benchmarks/bench_batch.py --oracle        # + exact agreement on all 10M points
    .venv/bin/python benchmarks/bench_batch.py --postgis       # + PostGIS ST_Contains (needs postgis)

Peers: shapely STRtree.query(predicate="within"), geopandas.sjoin, PostGIS ST_Contains with a
GiST index (Debian postgresql-15-postgis-3; started in a temporary cluster). Each peer runs on a
sample sized to take a few seconds; rates are points per second either way.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import shapely
from timing import best  # benchmarks/timing.py, beside this script


def cold_start() -> float:
    code = ("import time; t=time.perf_counter(); from fieldoffice.directory.context import load_context; "
            "from fieldoffice.batch.rows import assign_points; ctx=load_context(); "
            "assign_points(ctx, lat=[39.53], lon=[-119.81]); print(time.perf_counter()-t)")  # fmt: skip
    runs = [float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout)
            for _ in range(3)]  # fmt: skip
    return min(runs)


def index_memory() -> tuple[float, float]:
    # VmHWM, not ru_maxrss: Linux carries ru_maxrss over from the parent across exec
    code = ("from fieldoffice.directory.context import load_context; ctx=load_context(); "
            "ctx.gazetteer.index.lookup_one(lat=39.5, lon=-119.8); "
            "hwm=[l for l in open('/proc/self/status') if l.startswith('VmHWM')][0].split()[1]; "
            "print(ctx.gazetteer.index.a.nbytes, hwm)")  # fmt: skip
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.split()
    return int(out[0]) / 1e6, int(out[1]) / 1024


def postgis_rate(polys: np.ndarray, x: np.ndarray, y: np.ndarray) -> tuple[float, float] | None:
    """Points/s for ST_Contains over all points in one query, and single lookups/s, or None."""
    bindir = Path("/usr/lib/postgresql/15/bin")
    if not (bindir / "initdb").exists():
        return None
    import getpass

    tmp = Path(tempfile.mkdtemp(prefix="fo-pg-"))
    user = "postgres" if getpass.getuser() == "root" else getpass.getuser()
    run_as = ["runuser", "-u", user, "--"] if getpass.getuser() == "root" else []
    shutil.chown(tmp, user) if run_as else None
    data, sock = tmp / "data", tmp
    try:
        subprocess.run([*run_as, bindir / "initdb", "-D", data, "-A", "trust", "-U", "bench"], check=True,
                       capture_output=True)  # fmt: skip
        # the server outlives pg_ctl: give it a log file, not our pipes, or run() waits forever
        subprocess.run([*run_as, bindir / "pg_ctl", "-D", data, "-l", tmp / "log", "-o",
                        f"-k {sock} -c listen_addresses=''", "-w", "start"], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=60)  # fmt: skip
        import psycopg  # type: ignore[import-not-found]

        with psycopg.connect(
            host=str(sock), user="bench", dbname="postgres", autocommit=True
        ) as conn:
            cur = conn.cursor()
            cur.execute("CREATE EXTENSION postgis")
            cur.execute("CREATE TABLE county (k int, g geometry(MultiPolygon, 4326))")
            with cur.copy("COPY county (k, g) FROM STDIN") as cp:
                for k, p in enumerate(polys):
                    if not p.is_empty:
                        cp.write_row(
                            (
                                k,
                                "SRID=4326;"
                                + shapely.to_wkt(shapely.MultiPolygon(shapely.get_parts(p))),
                            )
                        )
            cur.execute("CREATE INDEX ON county USING gist (g)")
            cur.execute("CREATE TABLE pt (i int, g geometry(Point, 4326))")
            with cur.copy("COPY pt (i, g) FROM STDIN") as cp:
                for i, (a, b) in enumerate(zip(x.tolist(), y.tolist(), strict=True)):
                    cp.write_row((i, f"SRID=4326;POINT({a} {b})"))
            cur.execute("ANALYZE")
            t = time.perf_counter()
            cur.execute("SELECT count(*) FROM pt JOIN county c ON ST_Contains(c.g, pt.g)")
            bulk = len(x) / (time.perf_counter() - t)
            t = time.perf_counter()
            m = 5000
            for a, b in zip(x[:m].tolist(), y[:m].tolist(), strict=True):
                cur.execute(
                    "SELECT k FROM county WHERE ST_Contains(g, ST_SetSRID(ST_MakePoint(%s, %s), 4326))",
                    (a, b),
                )
                cur.fetchall()
            single = m / (time.perf_counter() - t)
        return bulk, single
    finally:
        subprocess.run([*run_as, bindir / "pg_ctl", "-D", data, "-m", "immediate", "stop"],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=60)  # fmt: skip
        shutil.rmtree(tmp, ignore_errors=True)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--points", type=int, default=10_000_000)
    ap.add_argument(
        "--oracle", action="store_true", help="check every answer against shapely covers"
    )
    ap.add_argument(
        "--postgis", action="store_true", help="also measure PostGIS (needs postgis, psycopg)"
    )
    args = ap.parse_args()

    from fieldoffice.batch.rows import assign_points, assign_zips
    from fieldoffice.directory.context import load_context

    ctx = load_context()
    polys = ctx.gazetteer.polygons
    assign_points(ctx, lat=[39.5], lon=[-119.8])
    rng = np.random.default_rng(42)
    n = args.points
    lon = rng.uniform(-124.8, -66.9, n)  # the lower-48 bounding box
    lat = rng.uniform(24.5, 49.4, n)

    fo = n / best(lambda: assign_points(ctx, lat=lat, lon=lon))
    tree = shapely.STRtree(polys)
    m = 1_000_000
    pts = shapely.points(lon[:m], lat[:m])
    sh = m / best(lambda: tree.query(pts, predicate="within"), repeat=2)

    # the same answer from shapely: the county (within), then "is an edge of another group
    # within the tolerance" (dwithin over the near index's own edges, in degrees)
    from fieldoffice.lookup.decide import decider, near_index_of

    near = near_index_of(ctx)
    xy, _, edge_group = near.edges
    edge_tree = shapely.STRtree(shapely.linestrings(xy.reshape(-1, 2, 2)))
    group = decider(ctx).county_group
    tol_deg = near.tolerance_km / 111.195
    k = 200_000

    def shapely_whole() -> None:
        p = shapely.points(lon[:k], lat[:k])
        pi, pj = tree.query(p, predicate="within")
        g = np.full(k, -1)
        g[pi] = group[pj]
        ei, ej = edge_tree.query(p, predicate="dwithin", distance=tol_deg)
        _near = np.zeros(k, dtype=bool)
        _near[ei[edge_group[ej] != g[ei]]] = True

    sh_near = k / best(shapely_whole, repeat=1)

    import geopandas as gpd

    gdf_poly = gpd.GeoDataFrame({"k": np.arange(len(polys))}, geometry=list(polys), crs="EPSG:4326")
    gdf_pts = gpd.GeoDataFrame(geometry=gpd.points_from_xy(lon[:m], lat[:m]), crs="EPSG:4326")
    gp = m / best(lambda: gpd.sjoin(gdf_pts, gdf_poly, predicate="within", how="left"), repeat=1)

    pg = postgis_rate(polys, lon[:200_000], lat[:200_000]) if args.postgis else None

    zips = pa.array(np.char.zfill(rng.integers(0, 99_999, 5_000_000).astype(str), 5))
    zr = len(zips) / best(lambda: assign_zips(ctx, zips))

    csv_rate = csv_end_to_end(2_000_000)
    start = cold_start()
    mem_arrays, rss = index_memory()

    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"numpy {np.__version__}, shapely {shapely.__version__}, geopandas {gpd.__version__}")  # fmt: skip
    print(f"points: {n:,} uniform in the lower-48 box; peers on the first {m:,}")
    print(f"{'points -> office, points/s':40}{'rate':>12}{'fieldoffice is':>18}{'goal':>10}")
    print(
        f"{'  fieldoffice (all cores, near_boundary on)':40}{fo / 1e6:>11.1f}M{'':>18}{'20M/s':>10}"
    )
    print(f"{'  shapely STRtree within':40}{sh / 1e6:>11.2f}M{fo / sh:>16.0f}x{'40x':>10}")
    print(
        f"{'  shapely within + dwithin (near_boundary)':40}{sh_near / 1e6:>11.2f}M{fo / sh_near:>16.0f}x"
    )
    print(f"{'  geopandas sjoin':40}{gp / 1e6:>11.2f}M{fo / gp:>16.0f}x{'50x':>10}")
    if pg:
        print(
            f"{'  PostGIS ST_Contains, one query':40}{pg[0] / 1e6:>11.3f}M{fo / pg[0]:>16.0f}x{'150x':>10}"
        )
        print(f"{'  PostGIS single lookups/s':40}{pg[1]:>12,.0f}")
    else:
        print(
            f"{'  PostGIS':40}{'not measured (run with --postgis where postgis is installed)':>40}"
        )
    print(f"{'ZIP -> office, rows/s':40}{zr / 1e6:>11.1f}M{'':>18}{'5M/s':>10}")
    print(
        f"{'CSV end to end (read, assign, write)':40}{csv_rate / 1e6:>11.2f}M{'':>18}{'1M/s':>10}"
    )
    print(f"{'cold start (import, index, 1st answer)':40}{start:>11.2f}s{'':>18}{'1 s':>10}")
    print(f"{'index arrays in memory':40}{mem_arrays:>10.0f}MB{'':>18}{'300 MB':>10}")
    print(f"{'  whole process after loading, peak RSS':40}{rss:>10.0f}MB")
    if args.oracle:
        # the county a point is in (assign_points also gives a point just off shore its nearest)
        got = ctx.gazetteer.index.lookup(lat=lat, lon=lon)
        pi, pj = tree.query(shapely.points(lon, lat), predicate="covered_by")
        ref = np.full(n, np.iinfo(np.int64).max)
        np.minimum.at(ref, pi, pj)
        ref[ref == np.iinfo(np.int64).max] = -1
        print(f"oracle: {int((got != ref).sum())} of {n:,} points differ from shapely covers")


def csv_end_to_end(n: int) -> float:
    from fieldoffice.batch.assign import run_assign
    from fieldoffice.directory.context import load_context

    rng = np.random.default_rng(7)
    with tempfile.TemporaryDirectory() as tmp:
        src, out = Path(tmp) / "in.csv", Path(tmp) / "out.csv"
        import pyarrow.csv as pacsv

        table = pa.table({"id": np.arange(n), "lat": rng.uniform(24.5, 49.4, n).round(6),
                          "lon": rng.uniform(-124.8, -66.9, n).round(6)})  # fmt: skip
        pacsv.write_csv(table, src)
        flags = {"lat": "lat", "lon": "lon", "zip": None, "address": None, "place": None}
        summary = run_assign(load_context(), str(src), str(out), flags, progress=False)
        return summary.rows / summary.seconds


if __name__ == "__main__":
    resource.setrlimit(resource.RLIMIT_NOFILE, resource.getrlimit(resource.RLIMIT_NOFILE))
    main()
