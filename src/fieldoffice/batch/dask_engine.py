"""The same assignment on a Dask cluster: partitions in parallel, the index loaded once per worker.

Each worker loads fieldoffice's packaged index itself when it joins (a worker plugin), so tasks
carry only their rows. Workers need fieldoffice installed, as they need any code they run.
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass
from typing import Any

import pandas as pd
import pyarrow as pa

from fieldoffice.batch.assign import (
    Summary,
    assign_batch,
    check_types,
    input_columns,
    mark_unreadable,
    replacing_note,
    with_answers,
)
from fieldoffice.batch.columns import Roles, choose_columns
from fieldoffice.batch.files import (
    OUTPUT_COLUMNS,
    ParquetSource,
    Writer,
    input_kind,
    parquet_source,
    parse_csv_block,
    read_batches,
    read_parquet_piece,
)
from fieldoffice.directory.context import Context, load_context
from fieldoffice.directory.file import default_path


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


# A CSV partition carries the reader's reason for each row it could not parse in this column,
# as the local engine's blocks carry them beside the rows; the answers take its place.
UNREADABLE = "__fieldoffice_unreadable__"
CSV_PIECE_BYTES = 64 << 20  # a CSV partition: whole lines, about this many bytes


def assign_partition(df: pd.DataFrame, roles: Roles, directory: str | None) -> pd.DataFrame:
    ctx = _worker_context(directory)
    problems: dict[int, str] = {}
    if UNREADABLE in df.columns:
        reasons = df[UNREADABLE]
        problems = {i: str(r) for i, r in enumerate(reasons.tolist()) if isinstance(r, str)}
        df = df.drop(columns=[UNREADABLE])
    batch = pa.RecordBatch.from_pandas(df, preserve_index=False)
    out = with_answers(ctx, batch, assign_batch(ctx, batch, roles))
    out = mark_unreadable(out, problems)
    return out.to_pandas(types_mapper=pd.ArrowDtype)


def count_lines(block: bytes) -> int:
    return block.count(b"\n")


def read_csv_piece(block: bytes, line: int, names: list[str], columns: list[str], delimiter: str,
                   encoding: str = "utf-8") -> pd.DataFrame:  # fmt: skip
    """One partition of a CSV/TSV input (whole lines, the first on line `line`; line 1 is the
    header), parsed by the local engine's parser: a row it cannot parse is kept, with why."""
    if line == 1:  # the file's first piece starts with the header
        cut = block.find(b"\n") + 1
        block, line = (block[cut:], 2) if cut else (b"", 2)
    tables = []
    for b in parse_csv_block(block, names, delimiter, line, encoding):
        reasons = [b.problems.get(i) for i in range(b.batch.num_rows)]
        tables.append(
            pa.Table.from_batches([b.batch.select(columns)]).append_column(
                UNREADABLE, pa.array(reasons, type=pa.string())
            )
        )
    schema = _csv_schema(columns)
    table = pa.concat_tables(tables) if tables else schema.empty_table()
    return table.to_pandas(types_mapper=pd.ArrowDtype)


def _csv_schema(columns: list[str]) -> pa.Schema:
    return pa.schema([*(pa.field(n, pa.string()) for n in columns), pa.field(UNREADABLE, pa.string())])  # fmt: skip


def read_piece(piece: tuple[str, tuple[int, ...]], source: ParquetSource, columns: list[str]) -> pd.DataFrame:  # fmt: skip
    """One partition of a Parquet input, read as the local engine reads it: columns by name, in
    the first part's order and types."""
    schema = pa.schema([source.schema.field(n) for n in columns])
    batches = [b.replace_schema_metadata(None) for b in read_parquet_piece(source, piece, columns)]
    table = pa.Table.from_batches(batches, schema=schema) if batches else schema.empty_table()
    return table.to_pandas(types_mapper=pd.ArrowDtype)


def run_assign_dask(ctx: Context, source: str, target: str, flags: dict[str, str | None], *,
                    scheduler: str | None = None, workers: int = 2,
                    replace_answers: bool = False, encoding: str = "utf-8") -> Summary:  # fmt: skip
    try:
        import dask.dataframe  # noqa: F401 - needed below, checked here
        from distributed import Client, LocalCluster
    except ImportError as exc:
        from fieldoffice.core.errors import InvalidInput

        raise InvalidInput(
            "the dask engine needs Dask", hint="pip install 'fieldoffice[dask]'"
        ) from exc

    if source == "-":
        from fieldoffice.core.errors import InvalidInput

        raise InvalidInput(
            "the dask engine reads files, not standard input", hint="give a file or folder"
        )
    plan = _plan(source, flags, replace_answers, encoding)
    directory = None if ctx.directory.path == str(default_path()) else ctx.directory.path
    started = time.perf_counter()
    cluster = None if scheduler else LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                                  host="127.0.0.1", dashboard_address=None)  # fmt: skip
    client = Client(scheduler or cluster)
    try:
        client.register_plugin(_plugin(directory))
        answered = _answered_frame(client, plan, directory, encoding)
        summary = Summary()
        if writes_folder(target):  # each worker writes its own partitions: only counts come back
            from dask.base import compute as dask_compute

            write = answered.to_parquet(target, write_index=False, compute=False)
            _, counts = dask_compute(write, answered["status"].astype(str).value_counts())
            summary.statuses.update({str(k): int(v) for k, v in counts.items()})
            summary.rows = sum(summary.statuses.values())
        else:
            _write_gathered(client.compute(answered.to_delayed()), target, summary)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
    summary.seconds = time.perf_counter() - started
    return summary


@dataclass(frozen=True)
class _Plan:
    """What to read: the input, its kind, its columns, those kept and the roles chosen."""

    source: str
    kind: str
    parquet: Any
    names: list[str]
    kept: list[str]
    roles: Roles


def _plan(source: str, flags: dict[str, str | None], replace_answers: bool,
          encoding: str) -> _Plan:  # fmt: skip
    """The input's columns and roles, checked before any worker starts (notes on stderr)."""
    import sys

    kind = input_kind(source)
    parquet = parquet_source(source) if kind == "parquet" else None
    names = parquet.schema.names if parquet is not None else read_batches(source, encoding)[0]
    kept = input_columns(names, replace_answers=replace_answers)
    roles, note = choose_columns(kept, **flags)
    if parquet is not None:
        check_types(parquet.schema, roles)
    for line in (note, replacing_note(names, kept)):
        if line:
            sys.stderr.write(line + "\n")
    return _Plan(source, kind, parquet, names, kept, roles)


def _answered_frame(client: Any, plan: _Plan, directory: str | None, encoding: str) -> Any:
    """The input as a Dask frame, each partition answered where it is read."""
    import dask.dataframe as dd

    if plan.parquet is not None:  # the local engine's reader, one piece per partition
        schema = pa.schema([plan.parquet.schema.field(n) for n in plan.kept])
        ddf = dd.from_map(read_piece, list(plan.parquet.pieces), source=plan.parquet,
                          columns=plan.kept,
                          meta=schema.empty_table().to_pandas(types_mapper=pd.ArrowDtype))  # fmt: skip
    else:
        delimiter = "\t" if plan.kind == "tsv" else ","
        ddf = _csv_frame(client, plan.source, plan.names, plan.kept, delimiter, encoding)
    meta = ddf._meta.drop(columns=[UNREADABLE], errors="ignore").assign(
        **{c: pd.Series([], dtype=pd.ArrowDtype(pa.string())) for c in OUTPUT_COLUMNS}
    )
    return ddf.map_partitions(assign_partition, plan.roles, directory, meta=meta)


def _write_gathered(futures: list[Any], target: str, summary: Summary) -> None:
    """The answered partitions, gathered in order into one file (whole or not at all)."""
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


def _csv_frame(client: Any, source: str, names: list[str], columns: list[str], delimiter: str,
               encoding: str) -> Any:  # fmt: skip
    """A CSV/TSV input as a Dask frame of pieces of whole lines, each parsed where it is read.

    The workers first count each piece's lines, so every piece knows the line it starts on and
    a row it cannot parse is reported by its line, as the local engine reports it."""
    import dask.dataframe as dd
    from dask.bytes.core import read_bytes
    from dask.delayed import delayed

    _, per_file = read_bytes(source, delimiter=b"\n", blocksize=CSV_PIECE_BYTES, sample=False)
    blocks = [b for file_blocks in per_file for b in file_blocks]
    counts = client.gather(client.compute([delayed(count_lines)(b) for b in blocks]))
    starts = [1]
    for c in counts[:-1]:
        starts.append(starts[-1] + int(c))
    parts = [
        delayed(read_csv_piece)(b, start, names, columns, delimiter, encoding)
        for b, start in zip(blocks, starts, strict=True)
    ]
    meta = _csv_schema(columns).empty_table().to_pandas(types_mapper=pd.ArrowDtype)
    return dd.from_delayed(parts, meta=meta, verify_meta=False)
