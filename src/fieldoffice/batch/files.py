"""Files for batch work: CSV, TSV and Parquet in and out, in chunks, and which columns to read.

Every input column is kept exactly as it was (CSV columns are read as text, so ZIP codes keep
their leading zeros), and the five answer columns are added at the end.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from fieldoffice.core.errors import InvalidInput
from fieldoffice.core.files import commit, temp_path

# Arrow's long operations (read_csv, above all) swap the process's SIGINT and SIGTERM handlers for
# their own while they run, to cancel themselves. A signal that lands in one is kept in Arrow's
# global stop source, which the next operation's start (or a late garbage collection of an
# earlier one's handler) resets: the signal is lost and `assign` runs on to exit 0 with its
# output written. Off, so every signal reaches Python's handlers (KeyboardInterrupt, and
# core.files.Interrupted), which run as soon as the current block returns.
pa.enable_signal_handlers(False)

OUTPUT_COLUMNS = ("office_id", "office_name", "status", "county_fips", "reason")
BLOCK_BYTES = 16 << 20


def input_kind(path: str) -> str:
    if path == "-":
        return "csv"
    p = Path(path)
    if p.is_dir():
        return "parquet"
    suffix = p.suffix.lower()
    if suffix in (".parquet", ".pq"):
        return "parquet"
    if suffix in (".tsv", ".tab"):
        return "tsv"
    if suffix in (".csv", ".txt"):
        return "csv"
    raise InvalidInput(f"cannot tell the format of {path!r} from its name",
                       hint="use .csv, .tsv or .parquet (or a folder of Parquet files, or - for CSV on stdin)")  # fmt: skip


@dataclass
class Block:
    """Rows read from the input, and the rows among them that could not be read (index: why)."""

    batch: pa.RecordBatch
    problems: dict[int, str]


def read_batches(path: str, encoding: str = "utf-8") -> tuple[list[str], Iterator[pa.RecordBatch]]:
    """Column names and the record batches of the input, streamed (unreadable rows left empty)."""
    names, blocks = read_blocks(path, encoding)
    return names, (b.batch for b in blocks)


def read_blocks(path: str, encoding: str = "utf-8") -> tuple[list[str], Iterator[Block]]:
    """Column names and the blocks of the input, streamed, every row kept in order.

    A CSV row that cannot be parsed (wrong number of fields, text not in the encoding) is kept
    with its input cells empty (or the cells that could be read) and a reason naming its line.
    """
    if input_kind(path) == "parquet":
        return _parquet_blocks(path)
    return _csv_blocks(path, encoding)


@dataclass(frozen=True)
class ParquetSource:
    """A Parquet file or a folder of them, checked: every part has the first part's columns (by
    name, in any order) and types it can be cast to. `pieces` are (file, row groups) to read, in
    order, each about PIECE_BYTES of data: what a Dask partition reads."""

    files: tuple[str, ...]
    schema: pa.Schema
    pieces: tuple[tuple[str, tuple[int, ...]], ...]


PIECE_BYTES = 64 << 20


def parquet_source(path: str) -> ParquetSource:
    p = Path(path)
    files = sorted(x for x in p.rglob("*.parquet")) if p.is_dir() else [p]
    if not files:
        raise InvalidInput(f"{path} holds no .parquet files")
    metas, schemas = [], []
    for f in files:
        try:
            opened = pq.ParquetFile(f)
            metas.append(opened.metadata)
            schemas.append(opened.schema_arrow)
        except (OSError, pa.ArrowInvalid) as exc:
            raise InvalidInput(f"cannot read {f} as Parquet: {exc}") from exc
    schema = schemas[0]
    for f, s in zip(files[1:], schemas[1:], strict=True):
        missing = [n for n in schema.names if n not in s.names]
        extra = [n for n in s.names if n not in schema.names]
        if missing or extra:
            what = (
                f"has no column {missing[0]!r}" if missing else f"has an extra column {extra[0]!r}"
            )
            raise InvalidInput(f"{f} {what}, unlike {files[0]}",
                               hint="every part of a folder must have the same columns")  # fmt: skip
        for name in schema.names:
            want, got = schema.field(name).type, s.field(name).type
            if got != want and not _castable(got, want):
                raise InvalidInput(f"{f}: column {name!r} is {got}, but {want} in {files[0]}",
                                   hint="every part of a folder must have the same column types")  # fmt: skip
    pieces: list[tuple[str, tuple[int, ...]]] = []
    for f, m in zip(files, metas, strict=True):
        group: list[int] = []
        size = 0
        for i in range(m.num_row_groups):
            group.append(i)
            size += m.row_group(i).total_byte_size
            if size >= PIECE_BYTES:
                pieces.append((str(f), tuple(group)))
                group, size = [], 0
        if group or m.num_row_groups == 0:
            pieces.append((str(f), tuple(group)))
    return ParquetSource(tuple(str(f) for f in files), schema, tuple(pieces))


def read_parquet_piece(source: ParquetSource, piece: tuple[str, tuple[int, ...]],
                       columns: list[str] | None = None) -> Iterator[pa.RecordBatch]:  # fmt: skip
    """The record batches of one piece, its columns by name in the first part's order and types
    (or `columns` of them, in that order)."""
    f, groups = piece
    names = columns if columns is not None else source.schema.names
    schema = pa.schema([source.schema.field(n) for n in names])
    if not groups:
        return
    try:
        reader = pq.ParquetFile(f)
        batches = reader.iter_batches(batch_size=1 << 18, row_groups=list(groups), columns=names)
        for batch in batches:
            batch = batch.select(names)  # by name: parts may order columns differently
            if not batch.schema.equals(schema):
                batch = batch.cast(schema)
            yield batch
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as exc:
        raise InvalidInput(f"{f}: cannot read its columns as in {source.files[0]}: {exc}",
                           hint="every part of a folder must have the same column types") from exc  # fmt: skip
    except OSError as exc:
        raise InvalidInput(f"cannot read {f} as Parquet: {exc}") from exc


def _parquet_blocks(path: str) -> tuple[list[str], Iterator[Block]]:
    source = parquet_source(path)

    def blocks() -> Iterator[Block]:
        for piece in source.pieces:
            for batch in read_parquet_piece(source, piece):
                yield Block(batch, {})

    return source.schema.names, blocks()


def _castable(got: pa.DataType, want: pa.DataType) -> bool:
    numeric = (pa.types.is_integer, pa.types.is_floating)
    text = (pa.types.is_string, pa.types.is_large_string)
    return (any(f(got) for f in numeric) and any(f(want) for f in numeric)) or (
        any(f(got) for f in text) and any(f(want) for f in text)
    )


def _csv_blocks(path: str, encoding: str) -> tuple[list[str], Iterator[Block]]:
    try:
        codec = codecs.lookup(encoding)
    except LookupError as exc:
        raise InvalidInput(
            f"unknown encoding {encoding!r}", hint="e.g. --encoding latin-1"
        ) from exc
    if not getattr(codec, "_is_text_encoding", True):  # rot13, base64, zlib: codecs, not text
        raise InvalidInput(f"{encoding!r} is not a text encoding", hint="e.g. --encoding latin-1")
    utf8 = codec.name == "utf-8"
    if not utf8 and '\n\r,\t"'.encode(encoding, "replace") != b'\n\r,\t"':
        raise InvalidInput(f"the encoding {encoding!r} is not ASCII-compatible",
                           hint="convert the file to UTF-8 first")  # fmt: skip
    kind = input_kind(path)
    delimiter = "\t" if kind == "tsv" else ","
    where = "standard input" if path == "-" else path
    raw = sys.stdin.buffer if path == "-" else _open(path)
    header = raw.readline()
    if not header.strip():
        raise InvalidInput(f"{where} is empty", hint="the first line must name the columns")
    try:
        text = header.decode("utf-8-sig" if utf8 else encoding)
    except UnicodeDecodeError as exc:
        raise InvalidInput(f"{where}, line 1 (the header): not {encoding} text (byte {exc.start + 1})",
                           hint="if the file is in Latin-1 or Windows-1252, add --encoding latin-1") from exc  # fmt: skip
    if "\r" in text.rstrip("\r\n"):  # a lone CR: old Mac line ends, which Arrow cannot split
        raise InvalidInput(f"{where}, line 1 (the header): its lines end with a bare carriage return "
                           "(old Mac line ends)", hint="convert the file's line ends to \\n or \\r\\n")  # fmt: skip
    try:
        names = next(csv.reader([text.rstrip("\r\n")], delimiter=delimiter))
    except csv.Error as exc:
        raise InvalidInput(f"{where}, line 1 (the header) cannot be read as CSV: {exc}",
                           hint="the first line must name the columns") from None  # fmt: skip
    if len(set(names)) != len(names):
        raise InvalidInput(
            "the header repeats a column name", hint="give every column its own name"
        )

    def blocks() -> Iterator[Block]:
        line = 2  # the line the next chunk starts on
        for chunk in _chunks(raw, BLOCK_BYTES):
            yield from parse_csv_block(chunk, names, delimiter, line, encoding)
            line += chunk.count(b"\n")

    return names, blocks()


def parse_csv_block(
    data: bytes, names: list[str], delimiter: str, line: int, encoding: str = "utf-8"
) -> Iterator[Block]:
    """A piece of a CSV/TSV file, whole lines starting on line `line` (the header is line 1),
    parsed as the local engine parses its chunks: a bad row kept, with the reason why."""
    if codecs.lookup(encoding).name != "utf-8":  # Arrow reads UTF-8: transcode, bad bytes kept
        data = data.decode(encoding, "surrogateescape").encode("utf-8", "surrogateescape")
    if data.strip():
        yield from _parse_chunk(data, names, delimiter, line, encoding)


def _chunks(raw: IO[bytes], size: int) -> Iterator[bytes]:
    """The input in pieces of whole records: each ends at a newline outside quotes."""
    buf = b""
    while True:
        data = raw.read(size)
        if not data:
            if buf:
                yield buf
            return
        buf += data
        cut = _safe_cut(buf)
        if cut == 0 and len(buf) > 4 * size:  # quotes never balance: cut at a line anyway
            cut = buf.rfind(b"\n") + 1
        if cut > 0:
            yield buf[:cut]
            buf = buf[cut:]


def _safe_cut(buf: bytes) -> int:
    quotes, end = buf.count(b'"'), len(buf)
    for _ in range(1000):
        p = buf.rfind(b"\n", 0, end)
        if p < 0:
            return 0
        quotes -= buf.count(b'"', p + 1, end)
        if quotes % 2 == 0:
            return p + 1
        end = p
    return 0


def _parse_chunk(
    data: bytes, names: list[str], delimiter: str, line: int, encoding: str
) -> Iterator[Block]:
    """Arrow's parser for a clean chunk; Python's, row by row, for a chunk with a bad row."""
    try:
        table = pacsv.read_csv(
            pa.BufferReader(data),
            read_options=pacsv.ReadOptions(column_names=names, block_size=BLOCK_BYTES),
            parse_options=pacsv.ParseOptions(delimiter=delimiter, newlines_in_values=True),
            convert_options=pacsv.ConvertOptions(column_types={n: pa.binary() for n in names},
                                                 strings_can_be_null=False, quoted_strings_can_be_null=False),
        )  # fmt: skip
        table = pa.table([pc.cast(c, pa.string()) for c in table.columns], names=names)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        yield _parse_slowly(data, names, delimiter, line, encoding)
        return
    for batch in table.combine_chunks().to_batches():
        yield Block(batch, {})


def _parse_slowly(data: bytes, names: list[str], delimiter: str, line: int, encoding: str) -> Block:
    """Row by row: a bad row is kept as a row of empty cells (or the cells that could be read).

    A bad record that spans several lines (a stray quote) is taken line by line instead, so a
    stray quote costs one row, not every row after it."""
    csv.field_size_limit(1 << 30)
    text = data.decode("utf-8", "surrogateescape")
    lines = text.split("\n")
    columns: list[list[str]] = [[] for _ in names]
    problems: dict[int, str] = {}

    def add(fields: list[str], reason: str, at: int, span: slice) -> None:
        if not reason:
            fields, reason = _check(fields, names, encoding)
        if reason:
            shown = _shown_text("\n".join(lines[span]).rstrip("\r"))
            problems[len(columns[0])] = f"line {line + at}: {reason}: {shown}"
        for col, value in zip(columns, fields or [""] * len(names), strict=True):
            col.append(value)

    def one_by_one(start: int, stop: int) -> None:
        for i in range(start, min(stop, len(lines))):
            if not lines[i].strip():
                continue
            try:
                fields, reason = _line_fields(lines[i], delimiter), ""
            except csv.Error as exc:
                fields, reason = [], f"cannot parse: {exc}"
            add(fields, reason, i, slice(i, i + 1))

    def any_row(start: int, stop: int) -> bool:  # does some line of a bad record read alone?
        for i in range(start, min(stop, len(lines))):
            with contextlib.suppress(csv.Error):
                fields = _line_fields(lines[i], delimiter)
                if fields and not _check(fields, names, encoding)[1]:
                    return True
        return False

    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    before = 0
    while True:
        try:
            fields = next(reader)
        except StopIteration:
            break
        except csv.Error:  # the rest of the chunk, line by line
            one_by_one(before, len(lines))
            break
        start, before = before, reader.line_num
        if not fields:
            continue  # a blank line, skipped as Arrow skips it
        if before - start > 1 and _check(fields, names, encoding)[1] and any_row(start, before):
            one_by_one(start, before)
        else:
            add(fields, "", start, slice(start, before))
    batch = pa.RecordBatch.from_arrays(
        [pa.array(c, type=pa.string()) for c in columns], names=names
    )
    return Block(batch, problems)


def _shown_text(raw: str) -> str:
    """A line as a reason quotes it: undecodable bytes escaped, at most 200 characters."""
    shown = raw.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    return shown if len(shown) <= 200 else shown[:200] + "..."


def _line_fields(line: str, delimiter: str) -> list[str]:
    """One line read alone as a CSV record (csv.Error if it cannot be)."""
    return next(csv.reader([line.rstrip("\r")], delimiter=delimiter), [])


def _check(fields: list[str], names: list[str], encoding: str) -> tuple[list[str], str]:
    """The cells to keep and why the row is invalid ("" if it is not)."""
    if len(fields) != len(names):
        n = len(fields)
        return [], f"{n} field{'' if n == 1 else 's'}, the header has {len(names)}"
    bad = [i for i, f in enumerate(fields) if not _is_text(f)]
    if not bad:
        return fields, ""
    reason = f"not {encoding} text in {names[bad[0]]!r}"
    if codecs.lookup(encoding).name == "utf-8":
        reason += " (try --encoding latin-1)"
    return ["" if i in bad else f for i, f in enumerate(fields)], reason


def _is_text(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _open(path: str) -> IO[bytes]:
    try:
        return open(path, "rb")
    except OSError as exc:
        raise InvalidInput(f"cannot read {path}: {exc.strerror}", hint="check the path") from exc


class Writer:
    """Writes batches to CSV/TSV/Parquet; a file appears only when complete: pyarrow writes a
    temporary file beside it (core.files.temp_path), which `close(ok=True)` commits."""

    def __init__(self, path: str, schema: pa.Schema) -> None:
        self.path = path
        kind = "csv" if path == "-" else input_kind(path) if not Path(path).is_dir() else "folder"
        if kind == "folder":
            raise InvalidInput(
                f"{path} is a folder", hint="give an output file name, e.g. -o out.parquet"
            )
        self.kind = kind
        if kind != "parquet":
            for f in schema:
                if not _csv_writable(f.type):
                    raise InvalidInput(f"column {f.name!r} is {f.type}, which CSV cannot hold",
                                       hint="write Parquet instead, e.g. -o out.parquet")  # fmt: skip
        self.tmp: Path | None = None
        if path == "-":
            self.sink: Any = pa.PythonFile(sys.stdout.buffer, mode="w")
        else:
            parent = Path(path).parent
            if not parent.is_dir():
                raise InvalidInput(f"the folder {parent} does not exist", hint="create it first")
            self.tmp = temp_path(Path(path))
            self.sink = str(self.tmp)
        try:
            if kind == "parquet":
                self.writer: Any = pq.ParquetWriter(self.sink, schema)
            else:
                opts = pacsv.WriteOptions(
                    delimiter="\t" if kind == "tsv" else ",", quoting_style="needed"
                )
                self.writer = pacsv.CSVWriter(self.sink, schema, write_options=opts)
        except OSError as exc:
            raise InvalidInput(f"cannot write {path}: {exc}",
                               hint="check that the folder exists and can be written to") from exc  # fmt: skip

    def write(self, batch: pa.RecordBatch) -> None:
        try:
            self.writer.write_batch(batch)
        except OSError as exc:
            raise InvalidInput(
                f"cannot write {self.path}: {exc}", hint="check the free space"
            ) from exc

    def close(self, *, ok: bool) -> None:
        try:
            self.writer.close()
            if self.tmp is not None and ok:
                commit(self.tmp, Path(self.path))
        except OSError as exc:
            raise InvalidInput(f"cannot write {self.path}: {exc}", hint="check the path") from exc
        finally:
            if self.tmp is not None:
                self.tmp.unlink(missing_ok=True)


def _csv_writable(t: pa.DataType) -> bool:
    if pa.types.is_dictionary(t):
        return _csv_writable(t.value_type)
    return not (pa.types.is_nested(t) or pa.types.is_binary(t) or pa.types.is_large_binary(t)
                or pa.types.is_fixed_size_binary(t))  # fmt: skip
