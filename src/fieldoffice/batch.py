"""Many rows at once: arrays and frames in, office assignments out. No file formats here.

Every row gets an answer: points through the grid index, ZIP codes through a table, places and
addresses through the locator (once per distinct value). Outputs are small integer codes plus
lookup tables, so millions of rows cost a few array operations; `frame_columns` turns them into
the five columns users see.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from fieldoffice.context import Context
from fieldoffice.geo.index import INVALID, NO_POLYGON

# status codes of a batch answer, and their names
MATCHED, SPLIT, OVERLAP, UNCOVERED, NOT_FOUND, INVALID_ROW = range(6)
STATUS_NAMES = ("matched", "split", "overlap", "uncovered", "not_found", "invalid")
NO_OFFICE = -1  # uncovered, not found or invalid
SEVERAL = -2  # overlap or split: the office ids column lists them all
CHUNK = 1 << 18  # points per task: small enough to stay in cache, large enough to amortise

I32 = npt.NDArray[np.int32]


@dataclass(frozen=True)
class Assignment:
    """Per row: office index (or NO_OFFICE / SEVERAL), status code, county index (-1 if none),
    and for rows whose answer came from the locator, the index of that answer in `extra`."""

    office: npt.NDArray[np.int16]
    status: npt.NDArray[np.uint8]
    county: I32
    reason_code: I32
    extra: tuple[dict[str, Any], ...] = ()


class OfficeTable:
    """One directory's offices as arrays indexed by county, built once per context."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        gaz = ctx.gazetteer
        self.office_ids = [o.id for o in ctx.directory.offices]
        index = {oid: i for i, oid in enumerate(self.office_ids)}
        n = len(gaz.counties)
        self.county_office = np.full(n, NO_OFFICE, dtype=np.int16)
        self.county_status = np.full(n, UNCOVERED, dtype=np.uint8)
        self.county_offices: list[str] = []
        self.county_names: list[str] = []
        for k, c in enumerate(gaz.counties):
            ids = sorted(ctx.territories.offices_of(c.fips))
            self.county_offices.append("|".join(ids))
            self.county_names.append("|".join(ctx.directory.office(i).name for i in ids))  # type: ignore[union-attr]
            if len(ids) == 1:
                self.county_office[k], self.county_status[k] = index[ids[0]], MATCHED
            elif ids:
                self.county_office[k], self.county_status[k] = SEVERAL, OVERLAP
        self.fips = np.array([c.fips for c in gaz.counties])
        # per point-lookup result (INVALID, NO_POLYGON, county 0..n-1), shifted by 2
        self.lut_office = np.concatenate([[NO_OFFICE, NO_OFFICE], self.county_office]).astype(
            np.int16
        )
        self.lut_status = np.concatenate([[INVALID_ROW, NOT_FOUND], self.county_status]).astype(
            np.uint8
        )
        self.lut_reason = np.concatenate([[R_BAD_NUMBER, R_OUTSIDE], np.arange(n)]).astype(np.int32)
        self.lut_county = np.concatenate([[NO_POLYGON, NO_POLYGON], np.arange(n)]).astype(np.int32)

    @cached_property
    def county_reasons(self) -> list[str]:
        """The reason for a row that landed in each county, in the locator's words but shorter."""
        out = []
        for c in self.ctx.gazetteer.counties:
            claims = self.ctx.territories.claims(c.fips)
            if not claims:
                out.append(f"{c.label} is in no office's AOR")
                continue
            parts = []
            for cl in claims:
                office = self.ctx.directory.office(cl.office_id)
                assert office is not None
                conf = "" if cl.confidence == "high" else f", {cl.confidence} confidence"
                parts.append(f"'{cl.phrase}' ({office.name}{conf})")
            out.append(f"{c.label} is in " + " and ".join(parts))
        return out

    @cached_property
    def zip_county(self) -> I32:
        """County index for every 5-digit ZIP code, -1 where there is none."""
        table = np.full(100_000, NO_POLYGON, dtype=np.int32)
        index = {c.fips: k for k, c in enumerate(self.ctx.gazetteer.counties)}
        for z in self.ctx.gazetteer.zips.values():
            if z.county_fips:
                table[int(z.zip)] = index[z.county_fips]
        return table

    @cached_property
    def zip_known(self) -> npt.NDArray[np.bool_]:
        known = np.zeros(100_000, dtype=bool)
        known[[int(z) for z in self.ctx.gazetteer.zips]] = True
        return known


# reason codes beyond county reasons (county k uses code k)
R_OUTSIDE = -1
R_BAD_NUMBER = -2
R_OUT_OF_RANGE = -3
R_MISSING = -4
R_BAD_ZIP = -5
R_UNKNOWN_ZIP = -6
R_NO_COUNTY_ZIP = -7
R_LOCATOR = -8  # the reason is in Assignment.extra
FIXED_REASONS = {
    R_OUTSIDE: "the point is not inside any US county or territory",
    R_BAD_NUMBER: "latitude or longitude is not a number",
    R_OUT_OF_RANGE: "latitude must be within -90..90 and longitude within -180..180",
    R_MISSING: "the value is empty",
    R_BAD_ZIP: "a ZIP code has 5 digits (or ZIP+4: 12345-6789); a spreadsheet may have dropped a leading zero (2108 for 02108)",
    R_UNKNOWN_ZIP: "no such ZIP code",
    R_NO_COUNTY_ZIP: "the ZIP code has no county (military or freely associated state)",
}

_POOL: ThreadPoolExecutor | None = None


def _pool() -> ThreadPoolExecutor:
    global _POOL
    if _POOL is None:
        _POOL = ThreadPoolExecutor(
            max_workers=os.cpu_count() or 1, thread_name_prefix="fieldoffice"
        )
    return _POOL


def _in_chunks(n: int, work: Any) -> None:
    """Run work(slice) over [0, n) in CHUNK-sized pieces on every core (numpy releases the GIL)."""
    slices = [slice(s, min(s + CHUNK, n)) for s in range(0, n, CHUNK)]
    if len(slices) <= 1:
        for sl in slices:
            work(sl)
        return
    for _ in _pool().map(work, slices):
        pass


def assign_points(
    ctx: Context,
    *,
    lat: npt.ArrayLike,
    lon: npt.ArrayLike,
    bad: npt.NDArray[np.bool_] | None = None,
) -> Assignment:
    """Office per point. `bad` marks rows whose numbers could not even be read (kept, invalid)."""
    y = np.asarray(lat, dtype=np.float64).ravel()
    x = np.asarray(lon, dtype=np.float64).ravel()
    table = office_table(ctx)
    index = ctx.gazetteer.index
    n = len(y)
    county = np.empty(n, dtype=np.int32)
    office = np.empty(n, dtype=np.int16)
    status = np.empty(n, dtype=np.uint8)
    reason = np.empty(n, dtype=np.int32)

    def work(s: slice) -> None:
        c = index.lookup(lat=y[s], lon=x[s], on_invalid="mark")
        key = c + 2  # lookup tables: 0 invalid, 1 outside every county, k + 2 county k
        office[s] = np.take(table.lut_office, key)
        status[s] = np.take(table.lut_status, key)
        reason[s] = np.take(table.lut_reason, key)
        county[s] = np.take(table.lut_county, key)
        invalid = np.flatnonzero(c == INVALID)
        if len(invalid):  # say which way they are wrong
            ys, xs = y[s][invalid], x[s][invalid]
            reason[s][invalid] = np.where(np.isnan(ys) | np.isnan(xs), R_BAD_NUMBER, R_OUT_OF_RANGE)

    _in_chunks(n, work)
    if bad is not None and bad.any():
        status[bad], office[bad], reason[bad] = INVALID_ROW, NO_OFFICE, R_BAD_NUMBER
    return Assignment(office, status, county, reason)


def assign_zips(
    ctx: Context, zips: pa.Array | pa.ChunkedArray | Sequence[str | None]
) -> Assignment:
    """Office per ZIP code ('89501', '89501-1234', ' 89501'); anything else is invalid, and kept."""
    if isinstance(zips, pa.ChunkedArray):
        zips = zips.combine_chunks()
    if isinstance(zips, pa.Array) and pa.types.is_integer(zips.type):
        # numbers lose leading zeros: 2108 is 02108 (and a ZIP stored as a number has no ZIP+4)
        zips = pc.utf8_lpad(pc.cast(zips, pa.string()), 5, "0")
    arr = (
        pa.array(zips, type=pa.string())
        if not isinstance(zips, pa.Array)
        else pc.cast(zips, pa.string())
    )
    n = len(arr)
    numbers = np.zeros(n, dtype=np.int32)
    well_formed = np.zeros(n, dtype=bool)
    missing = np.zeros(n, dtype=bool)

    def work(s: slice) -> None:
        text = arr.slice(s.start, s.stop - s.start)
        # the common case first: exactly five digits, no regex needed
        plain = pc.and_(pc.equal(pc.utf8_length(text), 5), pc.utf8_is_digit(text))
        plain_np = pc.fill_null(plain, False).to_numpy(zero_copy_only=False)
        ok = plain_np.copy()
        five = text
        if not plain_np.all():
            trimmed = pc.utf8_trim_whitespace(text)
            other = pc.fill_null(pc.match_substring_regex(trimmed, r"^\d{5}(?:-?\d{4})?$"), False)
            ok |= other.to_numpy(zero_copy_only=False)
            five = pc.utf8_slice_codeunits(trimmed, 0, 5)
            missing[s] = pc.fill_null(pc.equal(pc.utf8_length(trimmed), 0), True).to_numpy(
                zero_copy_only=False
            )
        well_formed[s] = ok
        safe = pc.if_else(pa.array(ok), five, pa.scalar("0"))
        numbers[s] = pc.cast(safe, pa.int32()).to_numpy(zero_copy_only=False)

    _in_chunks(n, work)
    table = office_table(ctx)
    known = table.zip_known[numbers] & well_formed
    county = np.where(known, table.zip_county[numbers], NO_POLYGON).astype(np.int32)
    has = county >= 0
    safe = np.where(has, county, 0)
    office = np.where(has, table.county_office[safe], NO_OFFICE).astype(np.int16)
    status = np.where(has, table.county_status[safe], NOT_FOUND).astype(np.uint8)
    reason = np.where(has, county, R_NO_COUNTY_ZIP).astype(np.int32)
    reason[~known] = R_UNKNOWN_ZIP
    bad = ~well_formed
    status[bad], reason[bad] = INVALID_ROW, R_BAD_ZIP
    status[missing], reason[missing] = INVALID_ROW, R_MISSING
    return Assignment(office, status, county, reason)


def assign_texts(ctx: Context, texts: pa.Array | Sequence[str | None]) -> Assignment:
    """Office per free-text place or address, through the locator once per distinct value."""
    from fieldoffice.locate import Locator

    arr = (
        pa.array(texts, type=pa.string())
        if not isinstance(texts, pa.Array)
        else pc.cast(texts, pa.string())
    )
    encoded = pc.dictionary_encode(pc.fill_null(arr, ""))
    uniques = encoded.dictionary.to_pylist()
    codes = encoded.indices.to_numpy(zero_copy_only=False)
    locator = Locator(ctx)
    table = office_table(ctx)
    index = {oid: i for i, oid in enumerate(table.office_ids)}
    county_index = {c.fips: k for k, c in enumerate(ctx.gazetteer.counties)}
    u_office = np.empty(len(uniques), dtype=np.int16)
    u_status = np.empty(len(uniques), dtype=np.uint8)
    u_county = np.empty(len(uniques), dtype=np.int32)
    extra = []
    for i, text in enumerate(uniques):
        a = locator.locate(text)
        ids = [o["id"] for o in a.offices if o.get("side", "inside") == "inside"]
        code = {"near_boundary": MATCHED}.get(
            a.status, STATUS_NAMES.index(a.status) if a.status in STATUS_NAMES else NOT_FOUND
        )
        u_status[i] = code
        u_office[i] = index[ids[0]] if len(ids) == 1 else (SEVERAL if ids else NO_OFFICE)
        u_county[i] = county_index[a.counties[0]["fips"]] if len(a.counties) == 1 else NO_POLYGON
        extra.append({"offices": "|".join(ids), "counties": "|".join(c["fips"] for c in a.counties),
                      "reason": a.reason, "status": a.status})  # fmt: skip
    return Assignment(u_office[codes], u_status[codes], u_county[codes],
                      (R_LOCATOR - codes).astype(np.int32), tuple(extra))  # fmt: skip


_TABLES: dict[int, OfficeTable] = {}


def office_table(ctx: Context) -> OfficeTable:
    key = id(ctx)
    if key not in _TABLES:
        _TABLES[key] = OfficeTable(ctx)
    return _TABLES[key]


def result_columns(ctx: Context, a: Assignment) -> dict[str, pa.Array]:
    """The five output columns, dictionary-encoded: office_id, office_name, status, county_fips, reason."""
    table = office_table(ctx)
    n_counties = len(table.county_offices)
    county_ok = a.county >= 0
    county_key = np.where(county_ok, a.county, n_counties).astype(np.int32)
    ids_dict = pa.array([*table.county_offices, ""])
    names_dict = pa.array([*table.county_names, ""])
    fips_dict = pa.array([*table.fips.tolist(), ""])
    office_id = pa.DictionaryArray.from_arrays(pa.array(county_key), ids_dict)
    office_name = pa.DictionaryArray.from_arrays(pa.array(county_key), names_dict)
    # rows without an office (not found, invalid) show no office even if a county is known
    no_office = a.office == NO_OFFICE
    if no_office.any():
        blank = np.where(no_office, n_counties, county_key).astype(np.int32)
        office_id = pa.DictionaryArray.from_arrays(pa.array(blank), ids_dict)
        office_name = pa.DictionaryArray.from_arrays(pa.array(blank), names_dict)
    status = pa.DictionaryArray.from_arrays(
        pa.array(a.status.astype(np.int8)), pa.array(STATUS_NAMES)
    )
    fixed = sorted(FIXED_REASONS)
    reasons = [*table.county_reasons, *(FIXED_REASONS[k] for k in fixed)]
    reason_key = np.where(a.reason_code >= 0, a.reason_code, 0).astype(np.int32)
    for j, k in enumerate(fixed):
        reason_key[a.reason_code == k] = n_counties + j
    columns = {
        "office_id": office_id,
        "office_name": office_name,
        "status": status,
        "county_fips": pa.DictionaryArray.from_arrays(pa.array(county_key), fips_dict),
        "reason": pa.DictionaryArray.from_arrays(pa.array(reason_key), pa.array(reasons)),
    }
    if a.extra:  # answers from the locator carry their own words and office lists
        from_locator = a.reason_code <= R_LOCATOR
        which = np.where(from_locator, R_LOCATOR - a.reason_code, 0)
        names = {oid: o.name for oid, o in ((o.id, o) for o in ctx.directory.offices)}
        ex = a.extra
        columns["office_id"] = _pick(
            columns["office_id"], from_locator, which, [e["offices"] for e in ex]
        )
        columns["office_name"] = _pick(columns["office_name"], from_locator, which,
                                       ["|".join(names[i] for i in e["offices"].split("|") if i) for e in ex])  # fmt: skip
        columns["county_fips"] = _pick(
            columns["county_fips"], from_locator, which, [e["counties"] for e in ex]
        )
        columns["reason"] = _pick(columns["reason"], from_locator, which, [e["reason"] for e in ex])
        columns["status"] = _pick(columns["status"], from_locator, which, [e["status"] for e in ex])
    return columns


def _pick(
    base: pa.Array, mask: npt.NDArray[np.bool_], which: npt.NDArray[Any], values: list[str]
) -> pa.Array:
    chosen = pa.DictionaryArray.from_arrays(pa.array(which.astype(np.int32)), pa.array(values))
    return pc.if_else(pa.array(mask), pc.cast(chosen, pa.string()), pc.cast(base, pa.string()))


def status_counts(a: Assignment) -> dict[str, int]:
    counts = np.bincount(a.status, minlength=len(STATUS_NAMES))
    return {name: int(c) for name, c in zip(STATUS_NAMES, counts, strict=True) if c}


def assign_frame(df: Any, *, ctx: Context | None = None, lat: str | None = None, lon: str | None = None,
                 zip: str | None = None, place: str | None = None) -> Any:  # fmt: skip
    """The input table (pandas DataFrame or pyarrow Table) with the five answer columns added.

    Name the columns: lat= and lon=, or zip=, or place= (a place or an address). Rows are kept in
    order; a row that cannot be read is kept with status 'invalid' and a reason.
    """
    from fieldoffice.context import load_context
    from fieldoffice.errors import InvalidInput

    ctx = ctx or load_context()
    is_pandas = not isinstance(df, pa.Table)
    table = pa.Table.from_pandas(df, preserve_index=False) if is_pandas else df
    if lat and lon:
        y, bad_y = numbers(table.column(lat))
        x, bad_x = numbers(table.column(lon))
        a = assign_points(ctx, lat=y, lon=x, bad=bad_y | bad_x)
    elif zip:
        a = assign_zips(ctx, table.column(zip).combine_chunks())
    elif place:
        a = assign_texts(ctx, table.column(place).combine_chunks())
    else:
        raise InvalidInput("say which columns to use", hint="lat= and lon=, or zip=, or place=")
    for name, column in result_columns(ctx, a).items():
        table = table.append_column(name, pc.cast(column, pa.string()))
    return table.to_pandas() if is_pandas else table


def numbers(
    column: pa.ChunkedArray | pa.Array,
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.bool_]]:
    """Floats from a column of numbers or text; rows that are not numbers come back NaN and bad."""
    col = column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column
    if pa.types.is_floating(col.type) or pa.types.is_integer(col.type):
        values = pc.cast(col, pa.float64()).to_numpy(zero_copy_only=False)
        bad = np.asarray(pc.is_null(col).to_numpy(zero_copy_only=False))
        return np.where(bad, np.nan, values), bad
    text_col = pc.cast(col, pa.string())
    try:  # the usual case, every value a plain number: Arrow's own parser, no Python
        values = pc.cast(text_col, pa.float64()).to_numpy(zero_copy_only=False)
        return values, np.zeros(len(values), dtype=bool)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        pass
    import pandas as pd

    text = text_col.to_pandas()
    values = pd.to_numeric(text.str.strip(), errors="coerce").to_numpy(dtype=np.float64)
    return values, np.isnan(values)


def empty_cells(column: pa.ChunkedArray | pa.Array) -> npt.NDArray[np.bool_]:
    """Cells with nothing in them (null, or only spaces)."""
    col = column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column
    if not (pa.types.is_string(col.type) or pa.types.is_large_string(col.type)):
        return np.asarray(pc.is_null(col).to_numpy(zero_copy_only=False))
    blank = pc.equal(pc.utf8_length(pc.utf8_trim_whitespace(col)), 0)
    return np.asarray(pc.fill_null(blank, True).to_numpy(zero_copy_only=False))
