"""`fieldoffice assign`: stream a file through the batch core, chunk by chunk, losing no row."""

from __future__ import annotations

import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from fieldoffice.batch.columns import Roles, choose_columns
from fieldoffice.batch.files import (
    OUTPUT_COLUMNS,
    Block,
    Writer,
    read_blocks,
)
from fieldoffice.batch.rows import (
    Assignment,
    assign_parts,
    assign_points,
    assign_texts,
    assign_zips,
    empty_cells,
    merged,
    numbers,
    result_columns,
    status_counts,
)
from fieldoffice.core.answer import ReasonCode
from fieldoffice.core.errors import InvalidInput
from fieldoffice.core.files import signals_interrupt
from fieldoffice.directory.context import Context
from fieldoffice.lookup.decide import decider


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
            f"{k} {v:,}" for k, v in sorted(self.statuses.items(), key=lambda kv: (-kv[1], kv[0]))
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
        rest = roles.fallback()
        if empty.any() and rest is not None:  # no coordinates: the row's address
            rows = np.flatnonzero(empty)
            by_address = assign_batch(ctx, batch.take(pa.array(rows)), rest)
            return merged(a, by_address, rows, note="no coordinates")
        if empty.any():
            a.key[empty] = decider(ctx).fixed_key(ReasonCode.MISSING)
            a.table.ensure(a.key)
        return a
    if roles.parts:
        cols = {k: batch.column(c) if c else None
                for k, c in (("zips", roles.zip), ("streets", roles.street),
                             ("cities", roles.city), ("states", roles.state))}  # fmt: skip
        return assign_parts(ctx, **cols)
    if roles.zip:
        return assign_zips(ctx, batch.column(roles.zip))
    assert roles.place
    return assign_texts(ctx, batch.column(roles.place))


def with_answers(ctx: Context, batch: pa.RecordBatch, a: Assignment) -> pa.RecordBatch:
    columns = result_columns(ctx, a)
    arrays = [*batch.columns, *(pc.cast(columns[n], pa.string()) for n in OUTPUT_COLUMNS)]
    return pa.RecordBatch.from_arrays(arrays, names=[*batch.schema.names, *OUTPUT_COLUMNS])


def mark_unreadable(out: pa.RecordBatch, problems: dict[int, str]) -> pa.RecordBatch:
    """Rows the reader could not parse: status invalid, the reader's reason, no answer."""
    if not problems:
        return out
    n = out.num_rows
    rows = sorted(problems)
    mask = pa.array(np.isin(np.arange(n), rows))
    reasons = [""] * n
    for i in rows:
        reasons[i] = problems[i]
    fixed = {"office_id": "", "office_name": "", "status": "invalid", "county_fips": ""}
    arrays = []
    for name, column in zip(out.schema.names, out.columns, strict=True):
        if name == "reason":
            column = pc.if_else(mask, pa.array(reasons, type=pa.string()), column)
        elif name in fixed and name in OUTPUT_COLUMNS:
            column = pc.if_else(mask, pa.scalar(fixed[name], pa.string()), column)
        arrays.append(column)
    return pa.RecordBatch.from_arrays(arrays, names=out.schema.names)


def check_types(schema: pa.Schema, roles: Roles) -> None:
    """A column read for the location must hold numbers or text."""
    for role, col in (("latitude", roles.lat), ("longitude", roles.lon), ("ZIP code", roles.zip),
                      ("place", roles.place), ("street", roles.street), ("city", roles.city),
                      ("state", roles.state)):  # fmt: skip
        if col is None:
            continue
        t = schema.field(col).type
        base = t.value_type if pa.types.is_dictionary(t) else t
        numeric = (
            pa.types.is_integer(base) or pa.types.is_floating(base) or pa.types.is_decimal(base)
        )
        text = pa.types.is_string(base) or pa.types.is_large_string(base)
        if not (text or (numeric and role in ("latitude", "longitude", "ZIP code"))):
            raise InvalidInput(f"column {col!r} is {t}, which cannot be read as a {role}",
                               hint="use a column of numbers or text")  # fmt: skip


def input_columns(names: list[str], *, replace_answers: bool = False) -> list[str]:
    """The input columns to keep. Columns named like the answer columns (an earlier output of
    assign) are refused, unless replace_answers: then they are dropped, and answered anew."""
    clash = [n for n in OUTPUT_COLUMNS if n in names]
    if not clash:
        return names
    if not replace_answers:
        listed = ", ".join(clash)
        if len(clash) == len(OUTPUT_COLUMNS):
            raise InvalidInput(f"the input already has the answer columns {listed} (an earlier output of assign?)",
                               hint="add --replace-answers to replace them with new answers")  # fmt: skip
        raise InvalidInput(f"the input already has {'a column' if len(clash) == 1 else 'columns'} named {listed}",
                           hint="rename it, or add --replace-answers to replace it with the answer column")  # fmt: skip
    return [n for n in names if n not in OUTPUT_COLUMNS]


def replacing_note(names: list[str], kept: list[str]) -> str | None:
    dropped = [n for n in names if n not in kept]
    if not dropped:
        return None
    return f"fieldoffice: replacing the input's {', '.join(dropped)} with new answers"


def run_assign(
    ctx: Context,
    source: str,
    target: str,
    flags: dict[str, str | None],
    *,
    progress: bool,
    encoding: str = "utf-8",
    replace_answers: bool = False,
) -> Summary:
    """Answer every row of `source` into `target`. SIGTERM or SIGHUP on the way raises
    core.files.Interrupted, and no output file is left (not even a partial one)."""
    names, blocks = read_blocks(source, encoding)
    kept = input_columns(names, replace_answers=replace_answers)
    roles, note = choose_columns(kept, **flags)
    blocks = _checked(blocks, roles)
    for line in (note, replacing_note(names, kept)):
        if line:
            sys.stderr.write(line + "\n")
    summary = Summary()
    started = time.perf_counter()
    with _progress(progress) as show, signals_interrupt():
        writer: Writer | None = None
        ok = False
        try:
            for block in blocks:
                batch = block.batch if kept == names else block.batch.select(kept)
                out = _answered(ctx, batch, block.problems, roles, summary)
                if writer is None:
                    writer = Writer(target, out.schema)
                writer.write(out)
                show(summary.rows)
            if writer is None:  # no data rows: still write the header with the answer columns
                names_out = [*kept, *OUTPUT_COLUMNS]
                writer = Writer(target, pa.schema([pa.field(n, pa.string()) for n in names_out]))
            ok = True
        finally:
            if writer is not None:
                writer.close(ok=ok)
    summary.seconds = time.perf_counter() - started
    return summary


def _answered(ctx: Context, batch: pa.RecordBatch, problems: dict[int, str], roles: Roles,
              summary: Summary) -> pa.RecordBatch:  # fmt: skip
    """A block with its answer columns (rows the reader could not parse marked invalid),
    counted into `summary`."""
    a = assign_batch(ctx, batch, roles)
    out = mark_unreadable(with_answers(ctx, batch, a), problems)
    summary.rows += batch.num_rows
    if problems:
        counts = pc.value_counts(out.column(out.schema.get_field_index("status")))
        summary.statuses.update({str(c["values"]): int(c["counts"]) for c in counts.to_pylist()})
    else:
        summary.statuses.update(status_counts(a))
    return out


@contextmanager
def _progress(shown: bool) -> Iterator[Callable[[int], None]]:
    """A progress line on stderr while the block runs (when `shown`): rows so far and their rate."""
    if not shown:
        yield lambda rows: None
        return
    from rich.console import Console
    from rich.progress import Progress, TextColumn, TimeElapsedColumn

    bar = Progress(TextColumn("assigning"), TextColumn("{task.completed:,} rows"),
                   TextColumn("{task.fields[rate]}"), TimeElapsedColumn(),
                   console=Console(stderr=True))  # fmt: skip
    started = time.perf_counter()
    bar.start()
    task = bar.add_task("assign", total=None, rate="")

    def show(rows: int) -> None:
        rate = rows / max(time.perf_counter() - started, 1e-9)
        bar.update(task, completed=rows, rate=f"{rate:,.0f} rows/s")

    try:
        yield show
    finally:
        bar.stop()


def _checked(blocks: Iterator[Block], roles: Roles) -> Iterator[Block]:
    first = True
    for block in blocks:
        if first:
            check_types(block.batch.schema, roles)
            first = False
        yield block


def stderr_is_terminal() -> bool:
    return sys.stderr.isatty()
