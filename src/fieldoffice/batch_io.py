"""Files for batch work: CSV, TSV and Parquet in and out, in chunks, and which columns to read.

Every input column is kept exactly as it was (CSV columns are read as text, so ZIP codes keep
their leading zeros), and the five answer columns are added at the end.
"""

from __future__ import annotations

import csv
import io
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from fieldoffice.errors import InvalidInput

OUTPUT_COLUMNS = ("office_id", "office_name", "status", "county_fips", "reason")
# The only header names looked for without flags (compared without case, spaces or punctuation).
KNOWN_HEADERS = {
    "lat": ("lat", "latitude"),
    "lon": ("lon", "lng", "long", "longitude"),
    "zip": ("zip", "zipcode", "zip_code", "zip5", "postal_code", "postcode"),
    "address": ("address", "street_address", "full_address"),
    "place": ("place", "city_state", "location"),
}
BLOCK_BYTES = 16 << 20


@dataclass(frozen=True)
class Roles:
    lat: str | None = None
    lon: str | None = None
    zip: str | None = None
    place: str | None = None  # a place name or a full address: both go to the locator

    def describe(self) -> str:
        if self.lat:
            return f"--lat {self.lat} --lon {self.lon}"
        if self.zip:
            return f"--zip {self.zip}"
        return f"--place {self.place}"


def _key(name: str) -> str:
    return "".join(ch for ch in name.lower() if ch.isalnum())


def choose_columns(names: list[str], *, lat: str | None, lon: str | None, zip: str | None,
                   address: str | None, place: str | None) -> tuple[Roles, str | None]:  # fmt: skip
    """The columns to read, from the flags or else from the known header names; never a guess.

    Returns the roles and, when they were found rather than given, a line saying which.
    """
    given = [x for x in (lat, lon, zip, address, place) if x]
    for col in given:
        if col not in names:
            raise InvalidInput(
                f"there is no column {col!r}", hint=f"the columns are: {', '.join(names)}"
            )
    if (lat is None) != (lon is None):
        raise InvalidInput("--lat and --lon go together", hint="name both columns")
    if given:
        named = sum(1 for k in ((lat and lon), zip, address, place) if k)
        if named > 1:
            raise InvalidInput(
                "name one kind of location", hint="--lat/--lon, or --zip, or --address, or --place"
            )
        return Roles(lat=lat, lon=lon, zip=zip, place=address or place), None
    found: dict[str, list[str]] = {role: [] for role in KNOWN_HEADERS}
    for name in names:
        for role, headers in KNOWN_HEADERS.items():
            if _key(name) in {_key(h) for h in headers}:
                found[role].append(name)
    for role, cols in found.items():
        if len(cols) > 1:
            raise InvalidInput(f"several columns could be the {role}: {', '.join(cols)}",
                               hint=f"say which with --{role} COLUMN")  # fmt: skip
    kinds: list[str] = []
    if found["lat"] or found["lon"]:
        if not (found["lat"] and found["lon"]):
            raise InvalidInput(f"found {'a latitude' if found['lat'] else 'a longitude'} column but not the other",
                               hint="name both with --lat and --lon")  # fmt: skip
        kinds.append("lat/lon")
    kinds += [k for k in ("zip", "address", "place") if found[k]]
    if not kinds:
        raise InvalidInput(
            "no column says where each row is",
            hint="name one with --lat/--lon, --zip, --address or --place (the known headers are "
            + ", ".join(h for hs in KNOWN_HEADERS.values() for h in hs)
            + ")",
        )
    if len(kinds) > 1:
        raise InvalidInput(f"the columns could mean more than one kind of location ({', '.join(kinds)})",
                           hint="say which with --lat/--lon, --zip, --address or --place")  # fmt: skip
    if kinds == ["lat/lon"]:
        roles = Roles(lat=found["lat"][0], lon=found["lon"][0])
    elif kinds == ["zip"]:
        roles = Roles(zip=found["zip"][0])
    else:
        roles = Roles(place=found[kinds[0]][0])
    return roles, f"fieldoffice: using {roles.describe()}"


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


class _Prefixed(io.RawIOBase):
    """A stream that first gives back bytes already read (the header line), then the rest."""

    def __init__(self, head: bytes, rest: IO[bytes]) -> None:
        self.head, self.rest = head, rest

    def readable(self) -> bool:
        return True

    def readinto(self, b: Any) -> int:
        if self.head:
            n = min(len(b), len(self.head))
            b[:n], self.head = self.head[:n], self.head[n:]
            return n
        data = self.rest.read(len(b))
        b[: len(data)] = data
        return len(data)


def read_batches(path: str) -> tuple[list[str], Iterator[pa.RecordBatch]]:
    """Column names and the record batches of the input, streamed."""
    kind = input_kind(path)
    if kind == "parquet":
        p = Path(path)
        files = sorted(x for x in p.rglob("*.parquet")) if p.is_dir() else [p]
        if not files:
            raise InvalidInput(f"{path} holds no .parquet files")
        try:
            schema = pq.read_schema(files[0])
        except (OSError, pa.ArrowInvalid) as exc:
            raise InvalidInput(f"cannot read {files[0]} as Parquet: {exc}") from exc

        def parquet_batches() -> Iterator[pa.RecordBatch]:
            for f in files:
                yield from pq.ParquetFile(f).iter_batches(batch_size=1 << 18)

        return schema.names, parquet_batches()
    delimiter = "\t" if kind == "tsv" else ","
    raw = sys.stdin.buffer if path == "-" else _open(path)
    header = raw.readline()
    if not header.strip():
        raise InvalidInput(
            f"{'standard input' if path == '-' else path} is empty",
            hint="the first line must name the columns",
        )
    names = next(csv.reader([header.decode("utf-8-sig").rstrip("\r\n")], delimiter=delimiter))
    if len(set(names)) != len(names):
        raise InvalidInput(
            "the header repeats a column name", hint="give every column its own name"
        )
    stream = pa.PythonFile(io.BufferedReader(_Prefixed(header, raw)), mode="r")
    try:
        reader = _open_csv(stream, delimiter, names)
    except pa.ArrowInvalid as exc:  # the first block is read at once
        raise InvalidInput(f"cannot read the CSV: {exc}",
                           hint="check the quoting, the encoding (UTF-8) and the number of fields per line") from exc  # fmt: skip

    def csv_batches() -> Iterator[pa.RecordBatch]:
        try:
            yield from reader
        except pa.ArrowInvalid as exc:
            raise InvalidInput(f"cannot read the CSV: {exc}",
                               hint="check the quoting, the encoding (UTF-8) and the number of fields per line") from exc  # fmt: skip

    return names, csv_batches()


def _open_csv(stream: Any, delimiter: str, names: list[str]) -> Any:
    return pacsv.open_csv(
        stream,
        read_options=pacsv.ReadOptions(block_size=BLOCK_BYTES, encoding="utf8"),
        parse_options=pacsv.ParseOptions(delimiter=delimiter, newlines_in_values=True),
        convert_options=pacsv.ConvertOptions(column_types={n: pa.string() for n in names},
                                             strings_can_be_null=False, quoted_strings_can_be_null=False),
    )  # fmt: skip


def _open(path: str) -> IO[bytes]:
    try:
        return open(path, "rb")
    except OSError as exc:
        raise InvalidInput(f"cannot read {path}: {exc.strerror}", hint="check the path") from exc


class Writer:
    """Writes batches to CSV/TSV/Parquet; a file appears only when complete (temp file + rename)."""

    def __init__(self, path: str, schema: pa.Schema) -> None:
        self.path = path
        kind = "csv" if path == "-" else input_kind(path) if not Path(path).is_dir() else "folder"
        if kind == "folder":
            raise InvalidInput(
                f"{path} is a folder", hint="give an output file name, e.g. -o out.parquet"
            )
        self.kind = kind
        if path == "-":
            self.tmp = None
            self.sink: Any = pa.PythonFile(sys.stdout.buffer, mode="w")
        else:
            parent = Path(path).parent
            if not parent.is_dir():
                raise InvalidInput(f"the folder {parent} does not exist", hint="create it first")
            self.tmp = Path(path).with_name(f".{Path(path).name}.{os.getpid()}.tmp")
            self.sink = str(self.tmp)
        if kind == "parquet":
            self.writer: Any = pq.ParquetWriter(self.sink, schema)
        else:
            opts = pacsv.WriteOptions(
                delimiter="\t" if kind == "tsv" else ",", quoting_style="needed"
            )
            self.writer = pacsv.CSVWriter(self.sink, schema, write_options=opts)

    def write(self, batch: pa.RecordBatch) -> None:
        self.writer.write_batch(batch)

    def close(self, *, ok: bool) -> None:
        self.writer.close()
        if self.tmp is not None:
            if ok:
                self.tmp.replace(self.path)
            else:
                self.tmp.unlink(missing_ok=True)
