"""The same assignment on a Dask cluster: partitions in parallel, the index loaded once per worker.

Each worker loads fieldoffice's packaged index itself when it joins (a worker plugin), so tasks
carry only their rows. Workers need fieldoffice installed, as they need any code they run.
"""

from __future__ import annotations

import time
from collections import Counter
from typing import Any

import pandas as pd
import pyarrow as pa

from fieldoffice.assign import Summary, assign_batch, check_names, with_answers
from fieldoffice.batch_io import (
    OUTPUT_COLUMNS,
    Roles,
    Writer,
    choose_columns,
    input_kind,
    read_batches,
)
from fieldoffice.context import Context, load_context
from fieldoffice.directory import default_path


def writes_folder(target: str) -> bool:
    """An output path without a file suffix (or ending in /) is a folder of Parquet partitions."""
    from pathlib import Path

    return target != "-" and (target.endswith("/") or Path(target).suffix == "")


def _plugin(directory: str | None) -> Any:
    from distributed import WorkerPlugin

    class LoadFieldOffice(WorkerPlugin):
        name = "fieldoffice"

        def setup(self, worker: Any) -> None:
            ctx = load_context(directory)
            ctx.gazetteer.index.lookup_one(lat=39.5, lon=-119.8)  # index and polygons in memory now
            setattr(worker, "fieldoffice_context", ctx)  # noqa: B010 - a worker has no such field

    return LoadFieldOffice()


def _worker_context(directory: str | None) -> Context:
    try:
        from distributed import get_worker

        ctx: Context = getattr(get_worker(), "fieldoffice_context")  # noqa: B009
        return ctx
    except (ValueError, AttributeError):  # not on a worker (or the plugin did not run): load here
        return load_context(directory)


def assign_partition(df: pd.DataFrame, roles: Roles, directory: str | None) -> pd.DataFrame:
    ctx = _worker_context(directory)
    batch = pa.RecordBatch.from_pandas(df, preserve_index=False)
    out = with_answers(ctx, batch, assign_batch(ctx, batch, roles))
    return out.to_pandas(types_mapper=pd.ArrowDtype)


def run_assign_dask(ctx: Context, source: str, target: str, flags: dict[str, str | None], *,
                    scheduler: str | None = None, workers: int = 2) -> Summary:  # fmt: skip
    import sys

    try:
        import dask.dataframe as dd
        from distributed import Client, LocalCluster
    except ImportError as exc:
        from fieldoffice.errors import InvalidInput

        raise InvalidInput(
            "the dask engine needs Dask", hint="pip install 'fieldoffice[dask]'"
        ) from exc

    names, _ = read_batches(source) if source != "-" else ([], iter(()))
    if source == "-":
        from fieldoffice.errors import InvalidInput

        raise InvalidInput(
            "the dask engine reads files, not standard input", hint="give a file or folder"
        )
    check_names(names)
    roles, note = choose_columns(names, **flags)
    if note:
        sys.stderr.write(note + "\n")
    directory = None if ctx.directory.path == str(default_path()) else ctx.directory.path
    started = time.perf_counter()
    cluster = None if scheduler else LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                                  host="127.0.0.1", dashboard_address=None)  # fmt: skip
    client = Client(scheduler or cluster)
    try:
        client.register_plugin(_plugin(directory))
        kind = input_kind(source)
        if kind == "parquet":
            ddf = dd.read_parquet(source, dtype_backend="pyarrow")
        else:
            ddf = dd.read_csv(source, sep="\t" if kind == "tsv" else ",", dtype=str, keep_default_na=False,
                              blocksize="64MB", dtype_backend="pyarrow")  # fmt: skip
        meta = ddf._meta.assign(
            **{c: pd.Series([], dtype=pd.ArrowDtype(pa.string())) for c in OUTPUT_COLUMNS}
        )
        answered = ddf.map_partitions(assign_partition, roles, directory, meta=meta)
        summary = Summary()
        if writes_folder(
            target
        ):  # each worker writes its own partitions: nothing comes back but counts
            from dask.base import compute as dask_compute

            write = answered.to_parquet(target, write_index=False, compute=False)
            _, counts = dask_compute(write, answered["status"].astype(str).value_counts())
            summary.statuses.update({str(k): int(v) for k, v in counts.items()})
            summary.rows = sum(summary.statuses.values())
            summary.seconds = time.perf_counter() - started
            return summary
        futures = client.compute(answered.to_delayed())
        writer: Writer | None = None
        ok = False
        try:
            for future in futures:  # in partition order, so rows keep their order
                frame: pd.DataFrame = future.result()
                table = pa.Table.from_pandas(frame, preserve_index=False)
                if writer is None:
                    writer = Writer(target, table.schema)
                for batch in table.to_batches():
                    writer.write(batch)
                summary.rows += len(frame)
                summary.statuses.update(Counter(frame["status"].astype(str)))
            ok = True
        finally:
            if writer is not None:
                writer.close(ok=ok)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
    summary.seconds = time.perf_counter() - started
    return summary
