#!/usr/bin/env python3
"""The Dask engine on a multi-file Parquet dataset: 1 worker against 2, and the local engine.

.venv/bin/pip install -e '.[dask]'
.venv/bin/python benchmarks/bench_dask.py [--rows 8000000] [--files 8]
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from fieldoffice.batch.assign import run_assign
from fieldoffice.batch.dask_engine import run_assign_dask
from fieldoffice.directory.context import load_context

FLAGS: dict[str, str | None] = {
    "lat": "lat",
    "lon": "lon",
    "zip": None,
    "address": None,
    "place": None,
}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=8_000_000)
    ap.add_argument("--files", type=int, default=8)
    args = ap.parse_args()
    ctx = load_context()
    rng = np.random.default_rng(1)
    per = args.rows // args.files
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "points"
        data.mkdir()
        for i in range(args.files):
            pq.write_table(pa.table({"id": np.arange(i * per, (i + 1) * per),
                                     "lat": rng.uniform(24.5, 49.4, per), "lon": rng.uniform(-124.8, -66.9, per)}),
                           data / f"part-{i:03d}.parquet")  # fmt: skip
        rows = []
        local = run_assign(ctx, str(data), str(Path(tmp) / "local.parquet"), FLAGS, progress=False)
        rows.append(("local engine (threads, this process)", local.rows, local.seconds))
        for workers in (1, 2):
            s = run_assign_dask(
                ctx, str(data), str(Path(tmp) / f"dask{workers}.parquet"), FLAGS, workers=workers
            )
            rows.append((f"dask, {workers} worker(s), one ordered file", s.rows, s.seconds))
        for workers in (1, 2):
            s = run_assign_dask(
                ctx, str(data), str(Path(tmp) / f"folder{workers}/"), FLAGS, workers=workers
            )
            rows.append((f"dask, {workers} worker(s), folder of parts", s.rows, s.seconds))
        same = pq.read_table(Path(tmp) / "local.parquet").equals(
            pq.read_table(Path(tmp) / "dask2.parquet")
        )
    print(
        f"{args.rows:,} rows in {args.files} Parquet files; time includes reading and writing Parquet"
        " (and for Dask, starting the cluster)"
    )
    for name, n, sec in rows:
        print(f"  {name:40}{sec:8.1f} s{n / sec / 1e6:10.2f}M rows/s")
    print(f"  dask output identical to local: {same}")


if __name__ == "__main__":
    main()
