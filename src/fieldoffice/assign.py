"""`fieldoffice assign`: stream a file through the batch core, chunk by chunk, losing no row."""

from __future__ import annotations

import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from fieldoffice.answer import ReasonCode
from fieldoffice.batch import (
    Assignment,
    assign_points,
    assign_texts,
    assign_zips,
    empty_cells,
    numbers,
    result_columns,
    status_counts,
)
from fieldoffice.batch_io import OUTPUT_COLUMNS, Roles, Writer, choose_columns, read_batches
from fieldoffice.context import Context
from fieldoffice.decide import decider
from fieldoffice.errors import InvalidInput


@dataclass
class Summary:
    rows: int = 0
    statuses: Counter[str] = field(default_factory=Counter)
    seconds: float = 0.0

    @property
    def invalid(self) -> int:
        return self.statuses.get("invalid", 0)

    def text(self) -> str:
        parts = ", ".join(
            f"{k} {v:,}" for k, v in sorted(self.statuses.items(), key=lambda kv: -kv[1])
        )
        rate = self.rows / self.seconds if self.seconds else 0.0
        rows = f"{self.rows:,} row{'' if self.rows == 1 else 's'}"
        head = f"fieldoffice: {rows} in {self.seconds:.1f} s ({rate:,.0f} rows/s)"
        return head + (f": {parts}" if parts else "")


def assign_batch(ctx: Context, batch: pa.RecordBatch, roles: Roles) -> Assignment:
    if roles.lat and roles.lon:
        y, bad_y = numbers(batch.column(roles.lat))
        x, bad_x = numbers(batch.column(roles.lon))
        a = assign_points(ctx, lat=y, lon=x, bad=bad_y | bad_x)
        empty = empty_cells(batch.column(roles.lat)) | empty_cells(batch.column(roles.lon))
        if empty.any():
            a.key[empty] = decider(ctx).fixed_key(ReasonCode.MISSING)
            a.table.ensure(a.key)
        return a
    if roles.zip:
        return assign_zips(ctx, batch.column(roles.zip))
    assert roles.place
    return assign_texts(ctx, batch.column(roles.place))


def with_answers(ctx: Context, batch: pa.RecordBatch, a: Assignment) -> pa.RecordBatch:
    columns = result_columns(ctx, a)
    arrays = [*batch.columns, *(pc.cast(columns[n], pa.string()) for n in OUTPUT_COLUMNS)]
    return pa.RecordBatch.from_arrays(arrays, names=[*batch.schema.names, *OUTPUT_COLUMNS])


def check_names(names: list[str]) -> None:
    clash = [n for n in OUTPUT_COLUMNS if n in names]
    if clash:
        raise InvalidInput(f"the input already has a column named {', '.join(clash)}",
                           hint="rename it, so the answer columns do not overwrite it")  # fmt: skip


def run_assign(
    ctx: Context, source: str, target: str, flags: dict[str, str | None], *, progress: bool
) -> Summary:
    names, batches = read_batches(source)
    check_names(names)
    roles, note = choose_columns(names, **flags)
    if note:
        sys.stderr.write(note + "\n")
    summary = Summary()
    writer: Writer | None = None
    started = time.perf_counter()
    bar: Any = None
    if progress:
        from rich.console import Console
        from rich.progress import Progress, TextColumn, TimeElapsedColumn

        bar = Progress(TextColumn("assigning"), TextColumn("{task.completed:,} rows"),
                       TextColumn("{task.fields[rate]}"), TimeElapsedColumn(),
                       console=Console(stderr=True))  # fmt: skip
        bar.start()
        task = bar.add_task("assign", total=None, rate="")
    ok = False
    try:
        for batch in batches:
            a = assign_batch(ctx, batch, roles)
            out = with_answers(ctx, batch, a)
            if writer is None:
                writer = Writer(target, out.schema)
            writer.write(out)
            summary.rows += batch.num_rows
            summary.statuses.update(status_counts(a))
            if bar is not None:
                rate = summary.rows / max(time.perf_counter() - started, 1e-9)
                bar.update(task, completed=summary.rows, rate=f"{rate:,.0f} rows/s")
        if writer is None:  # no data rows: still write the header with the answer columns
            empty = pa.schema(
                [
                    *(pa.field(n, pa.string()) for n in names),
                    *(pa.field(n, pa.string()) for n in OUTPUT_COLUMNS),
                ]
            )
            writer = Writer(target, empty)
        ok = True
    finally:
        if bar is not None:
            bar.stop()
        if writer is not None:
            writer.close(ok=ok)
    summary.seconds = time.perf_counter() - started
    return summary


def stderr_is_terminal() -> bool:
    return sys.stderr.isatty()
