"""Many rows at once: arrays and frames in, office assignments out. No file formats here.

Every row gets an answer: points through the grid index and the boundary-tolerance index, ZIP codes
through a table, places and addresses through the locator (once per distinct value). Each row's
outcome is a decision key (decide.py), the same key a single lookup of that input computes, so
millions of rows cost a few array operations and cannot disagree with `locate`. `result_columns`
turns keys into the five columns users see, wording each distinct outcome once.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from fieldoffice.core.answer import Answer, Decision, Reason, ReasonCode
from fieldoffice.core.models import STATUSES
from fieldoffice.core.text import ZIP4_SEPARATOR
from fieldoffice.directory.context import Context
from fieldoffice.geo.index import INVALID, NO_POLYGON
from fieldoffice.lookup.decide import Decider, decider
from fieldoffice.lookup.wording import short, where_of, words

STATUS_NAMES = STATUSES  # a row's status is its position in the one vocabulary
MATCHED, SPLIT, OVERLAP, NEAR_BOUNDARY, UNCOVERED, NOT_FOUND, INVALID_ROW = (
    STATUSES.index(s) for s in ("matched", "split", "overlap", "near_boundary", "uncovered",
                                "not_found", "invalid")
)  # fmt: skip
NO_OFFICE = -1  # no responsible office: uncovered, not found, invalid
SEVERAL = -2  # overlap or split: the office ids column lists them all
CHUNK = 1 << 18  # points per task: small enough to stay in cache, large enough to amortise

I32 = npt.NDArray[np.int32]


class KeyTable:
    """Per decision key, what batch needs as arrays; filled for the keys a batch meets."""

    def __init__(self, dec: Decider) -> None:
        self.dec = dec
        k = dec.n_keys
        self.known = np.zeros(k, dtype=bool)
        self.status = np.zeros(k, dtype=np.uint8)
        self.office = np.full(k, NO_OFFICE, dtype=np.int16)
        self.county = np.full(k, NO_POLYGON, dtype=np.int32)
        self._office_index = {oid: i for i, oid in enumerate(dec.offices)}
        self._lock = threading.Lock()
        self._read_as: dict[tuple[str, int], tuple[Decision, str]] = {}
        self._nearby: dict[tuple[int, int], tuple[Decision, str]] = {}

    def ensure(self, keys: I32) -> None:
        seen = np.bincount(keys[keys < len(self.known)], minlength=len(self.known)) > 0
        missing = np.flatnonzero(seen & ~self.known)
        if len(missing) == 0:
            return
        with self._lock:
            for key in missing.tolist():
                d = self.dec.entry(key)
                self.status[key], self.office[key], self.county[key] = self.codes(d)
            self.known[missing] = True

    def read_as_zip(self, raw: str, number: int, key: int) -> tuple[Decision, str]:
        """A ZIP code's decision for a cell that had to be repaired to read as it, worded with
        how it was read ('read 2108 as ZIP 02108; ...'). The decision is the key's own."""
        found = self._read_as.get((raw, key))
        if found is None:
            d = self.dec.entry(key)
            params = dict(d.reason.params, zip_read={"raw": raw, "zip": f"{number:05d}"})
            reason = Reason(d.reason.code, params)
            found = (replace(d, reason=reason), short(reason))
            if len(self._read_as) < 1_000_000:
                self._read_as[(raw, key)] = found
        return found

    def nearby(self, key: int, sig: int, x: float, y: float, county: int, home: int) -> tuple[Decision, str]:  # fmt: skip
        """A near_boundary key's decision with the offices nearby that rows of signature `sig`
        have (see Decider.nearby_signatures), made from one such row as the locator makes it."""
        found = self._nearby.get((key, sig))
        if found is None:
            d = self.dec.with_nearby_of(self.dec.entry(key), x, y, county, home)
            found = (d, short(d.reason))
            if sig >= 0:  # a negative signature is one row's own
                self._nearby[(key, sig)] = found
        return found

    def codes(self, d: Decision | Answer) -> tuple[int, int, int]:
        ids = [o.id for o in d.responsible]
        office = self._office_index[ids[0]] if len(ids) == 1 else (SEVERAL if ids else NO_OFFICE)
        county = self.dec.county_index[d.counties[0].fips] if len(d.counties) == 1 else NO_POLYGON
        return STATUSES.index(d.status), office, county


def key_table(ctx: Context) -> KeyTable:
    return ctx.memo("batch-key-table", lambda: KeyTable(decider(ctx)))


@dataclass(frozen=True)
class Assignment:
    """Per row a decision key; keys past the table's refer to `extra` (answers from the locator,
    with the words they are reported with)."""

    key: I32
    table: KeyTable
    extra: tuple[tuple[Decision | Answer, str], ...] = ()

    def _per_row(self, table_values: npt.NDArray[Any], extra_values: list[int]) -> npt.NDArray[Any]:
        self.table.ensure(self.key)
        lut = np.concatenate([table_values, np.asarray(extra_values, dtype=table_values.dtype)])
        return np.take(lut, self.key)

    @property
    def status(self) -> npt.NDArray[np.uint8]:
        return self._per_row(self.table.status, [self.table.codes(d)[0] for d, _ in self.extra])

    @property
    def office(self) -> npt.NDArray[np.int16]:
        return self._per_row(self.table.office, [self.table.codes(d)[1] for d, _ in self.extra])

    @property
    def county(self) -> I32:
        return self._per_row(self.table.county, [self.table.codes(d)[2] for d, _ in self.extra])


_POOL: ThreadPoolExecutor | None = None


def _pool() -> ThreadPoolExecutor:
    global _POOL
    if _POOL is None:
        _POOL = ThreadPoolExecutor(
            max_workers=os.cpu_count() or 1, thread_name_prefix="fieldoffice"
        )
    return _POOL


def _in_chunks(n: int, work: Callable[[slice], None]) -> None:
    """Run work(slice) over [0, n) in CHUNK-sized pieces on every core (numpy releases the GIL)."""
    slices = [slice(s, min(s + CHUNK, n)) for s in range(0, n, CHUNK)]
    if len(slices) <= 1:
        for sl in slices:
            work(sl)
        return
    for _ in _pool().map(work, slices):
        pass


def point_keys(ctx: Context, x: npt.NDArray[np.float64], y: npt.NDArray[np.float64]) -> I32:
    """The decision key of each point: what the locator computes for one, over arrays."""
    from fieldoffice.lookup.decide import near_index_of

    dec = decider(ctx)
    near = near_index_of(ctx)  # made once, before any thread asks
    c = ctx.gazetteer.index.lookup(lat=y, lon=x, on_invalid="mark")
    inside = c >= 0
    if inside.all():  # the usual case: no copies
        flag = near.near_other(x, y, c)
        home = np.full(len(c), NO_POLYGON, dtype=np.int32)
    else:
        flag = np.zeros(len(c), dtype=bool)
        ii = np.flatnonzero(inside)
        flag[ii] = near.near_other(x[ii], y[ii], c[ii])
        home = np.full(len(c), NO_POLYGON, dtype=np.int32)
        out = np.flatnonzero(c == NO_POLYGON)
        if len(out):
            h, _km = near.nearest(x[out], y[out])
            home[out] = h
            has = out[h >= 0]
            if len(has):
                groups = dec.county_group[home[has]]
                flag[has] = near.other_groups_within(x[has], y[has], groups)
    keys = dec.point_keys(c, home, flag)
    bad = np.flatnonzero(c == INVALID)
    if len(bad):  # say which way they are wrong
        nan = np.isnan(y[bad]) | np.isnan(x[bad])
        keys[bad] = np.where(nan, dec.fixed_key(ReasonCode.BAD_NUMBER),
                             dec.fixed_key(ReasonCode.OUT_OF_RANGE))  # fmt: skip
    return keys


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
    key = np.empty(len(y), dtype=np.int32)
    point_keys(ctx, x[:1], y[:1])  # build the indexes here, not in every thread at once

    def work(s: slice) -> None:
        key[s] = point_keys(ctx, x[s], y[s])

    _in_chunks(len(y), work)
    if bad is not None and bad.any():
        key[bad] = decider(ctx).fixed_key(ReasonCode.BAD_NUMBER)
    table = key_table(ctx)
    table.ensure(key)
    return Assignment(key, table, with_offices_nearby(ctx, x, y, key, table))


def with_offices_nearby(
    ctx: Context, x: npt.NDArray[np.float64], y: npt.NDArray[np.float64], key: I32, table: KeyTable
) -> tuple[tuple[Decision | Answer, str], ...]:
    """near_boundary rows name the offices across the line, as a single lookup does: rows whose
    nearby offices are the same share one decision (made as the locator makes it, from one of
    them); their keys are moved past the table's, to it. Returns those decisions, worded."""
    from fieldoffice.lookup.decide import near_index_of

    rows = np.flatnonzero(table.status[key] == NEAR_BOUNDARY)
    if not len(rows):
        return ()
    dec, near = decider(ctx), near_index_of(ctx)
    xs, ys = x[rows], y[rows]
    county = ctx.gazetteer.index.lookup(lat=ys, lon=xs, on_invalid="mark")
    home = np.full(len(rows), NO_POLYGON, dtype=np.int32)
    out = np.flatnonzero(county < 0)
    if len(out):
        home[out] = near.nearest(xs[out], ys[out])[0]
    sig = dec.nearby_signatures(near, xs, ys, county, home)
    has = np.flatnonzero(sig != 0)
    if not len(has):
        return ()
    pairs = np.column_stack([key[rows[has]].astype(np.int64), sig[has]])
    found, first, which = np.unique(pairs, axis=0, return_index=True, return_inverse=True)
    extra = []
    for (k, s), i in zip(found.tolist(), first.tolist(), strict=True):
        j = int(has[i])
        extra.append(table.nearby(k, s, xs[j], ys[j], int(county[j]), int(home[j])))
    key[rows[has]] = (len(table.known) + which.ravel()).astype(np.int32)
    return tuple(extra)


ZIP_TEXT = rf"^[0-9]{{5}}(?:[{ZIP4_SEPARATOR}]?[0-9]{{4}})?$"  # as understand.py's _ZIP
# A number a spreadsheet made of a ZIP code: leading zeros lost (2108 for 02108: 3 or 4 digits,
# never starting with 0), or written as a float (10001.0). Read as the ZIP, and the row says so.
ZIP_AS_NUMBER = r"^(?:[1-9][0-9]{2,3}|[0-9]{5})(?:\.0+)?$"


@dataclass(frozen=True)
class ZipCells:
    """What a column of ZIP codes says, per row: the 5-digit number, whether it reads as a ZIP
    (and whether a spreadsheet's number had to be repaired to read so), or is empty."""

    number: I32
    ok: npt.NDArray[np.bool_]
    missing: npt.NDArray[np.bool_]
    repaired: npt.NDArray[np.bool_]
    shown: pa.Array  # the cell as text, for saying how a repaired one was read


def zip_cells(zips: pa.Array | pa.ChunkedArray | Sequence[str | None]) -> ZipCells:
    """Read a column of ZIP codes: text ('89501', '89501-1234', ' 89501 ', and the spreadsheet
    forms '2108' and '10001.0') or numbers (integers 0 < n < 100000, or whole floats)."""
    if isinstance(zips, pa.ChunkedArray):
        zips = zips.combine_chunks()
    arr = zips if isinstance(zips, pa.Array) else pa.array(zips, type=pa.string())
    if pa.types.is_dictionary(arr.type):
        arr = arr.dictionary_decode()
    if pa.types.is_integer(arr.type) or pa.types.is_floating(arr.type) or pa.types.is_decimal(arr.type):  # fmt: skip
        return _numeric_zips(arr)
    return _text_zips(pc.cast(arr, pa.string()))


def _numeric_zips(arr: pa.Array) -> ZipCells:
    """A number is a ZIP code when it is whole and 0 < n < 100000; under 10000 it lost its
    leading zeros (2108 is 02108), and a float (10001.0) is read as the whole number: both said."""
    whole_type = pa.types.is_integer(arr.type) or (
        pa.types.is_decimal(arr.type) and arr.type.scale == 0
    )
    values = pc.cast(arr, pa.float64()).to_numpy(zero_copy_only=False)
    missing = np.asarray(pc.is_null(arr).to_numpy(zero_copy_only=False)) | np.isnan(values)
    with np.errstate(invalid="ignore"):
        ok = ~missing & (values > 0) & (values < 100_000) & (values == np.floor(values))
    number = np.where(ok, values, 0).astype(np.int32)
    repaired = ok & (number < 10_000) if whole_type else ok.copy()
    if pa.types.is_floating(arr.type):  # 10001.0 as it was written, not Arrow's '10001'
        shown_values = np.full(len(arr), None, dtype=object)
        unique, where = np.unique(values[repaired], return_inverse=True)
        shown_values[repaired] = np.array([repr(float(u)) for u in unique], dtype=object)[where]
        shown = pa.array(shown_values, type=pa.string())
    else:
        shown = pc.cast(arr, pa.string())
    return ZipCells(number, ok, missing, repaired, shown)


def _text_zips(arr: pa.Array) -> ZipCells:
    n = len(arr)
    number = np.zeros(n, dtype=np.int32)
    ok = np.zeros(n, dtype=bool)
    missing = np.zeros(n, dtype=bool)
    repaired = np.zeros(n, dtype=bool)
    shown = [arr]

    def work(s: slice) -> None:
        text = arr.slice(s.start, s.stop - s.start)
        # the common case first: exactly five digits, no regex needed
        plain = pc.and_(pc.equal(pc.utf8_length(text), 5), pc.ascii_is_decimal(text))
        plain_np = pc.fill_null(plain, False).to_numpy(zero_copy_only=False)
        good = plain_np.copy()
        five = text
        if not plain_np.all():
            trimmed = pc.utf8_trim_whitespace(text)
            zip_text = pc.fill_null(pc.match_substring_regex(trimmed, ZIP_TEXT), False)
            good |= zip_text.to_numpy(zero_copy_only=False)
            five = pc.utf8_slice_codeunits(trimmed, 0, 5)
            as_number = pc.fill_null(pc.match_substring_regex(trimmed, ZIP_AS_NUMBER), False)
            fixed = as_number.to_numpy(zero_copy_only=False) & ~good
            if fixed.any():
                digits = pc.replace_substring_regex(trimmed, r"\.0+$", "")
                five = pc.if_else(pa.array(fixed), pc.utf8_lpad(digits, 5, "0"), five)
                good |= fixed
                repaired[s] = fixed
            missing[s] = pc.fill_null(pc.equal(pc.utf8_length(trimmed), 0), True).to_numpy(
                zero_copy_only=False
            )
        ok[s] = good
        safe = pc.if_else(pa.array(good), five, pa.scalar("0"))
        number[s] = pc.cast(safe, pa.int32()).to_numpy(zero_copy_only=False)

    _in_chunks(n, work)
    if repaired.any():
        shown[0] = pc.utf8_trim_whitespace(arr)
    return ZipCells(number, ok, missing, repaired, shown[0])


def assign_zips(
    ctx: Context, zips: pa.Array | pa.ChunkedArray | Sequence[str | None]
) -> Assignment:
    """Office per ZIP code ('89501', '89501-1234', ' 89501'); anything else is invalid, and kept.

    A number a spreadsheet made of a ZIP code (2108, 10001.0) is read as that ZIP code (02108,
    10001), with the same decision as the ZIP code itself, and its reason says how it was read."""
    cells = zip_cells(zips)
    dec = decider(ctx)
    key = np.where(cells.ok, dec.zip_keys[cells.number], dec.fixed_key(ReasonCode.BAD_ZIP))
    key[cells.missing] = dec.fixed_key(ReasonCode.MISSING)
    key = key.astype(np.int32)
    table = key_table(ctx)
    table.ensure(key)
    extra: tuple[tuple[Decision | Answer, str], ...] = ()
    if cells.repaired.any():
        rows = np.flatnonzero(cells.repaired)
        encoded = pc.dictionary_encode(cells.shown.take(pa.array(rows)))
        firsts = np.unique(encoded.indices.to_numpy(zero_copy_only=False), return_index=True)[1]
        extra = tuple(
            table.read_as_zip(raw, int(cells.number[rows[i]]), int(key[rows[i]]))
            for raw, i in zip(encoded.dictionary.to_pylist(), firsts, strict=True)
        )
        codes = encoded.indices.to_numpy(zero_copy_only=False).astype(np.int64)
        key[rows] = (len(table.known) + codes).astype(np.int32)
    return Assignment(key, table, extra)


def assign_texts(ctx: Context, texts: pa.Array | Sequence[str | None]) -> Assignment:
    """Office per free-text place or address, through the locator once per distinct value."""
    from fieldoffice.lookup.locate import locator_of

    arr = (
        pa.array(texts, type=pa.string())
        if not isinstance(texts, pa.Array)
        else pc.cast(texts, pa.string())
    )
    encoded = pc.dictionary_encode(pc.fill_null(arr, ""))
    uniques = encoded.dictionary.to_pylist()
    codes = encoded.indices.to_numpy(zero_copy_only=False)
    locator = locator_of(ctx)
    table = key_table(ctx)
    extra = []
    for text in uniques:
        a = locator.locate(text)
        extra.append((a, words(Reason(a.reason_code, a.reason_params), where_of(a), brief=True)))
    key = (len(table.known) + np.asarray(codes, dtype=np.int64)).astype(np.int32)
    return Assignment(key, table, tuple(extra))


def _cells(column: pa.Array | pa.ChunkedArray | Sequence[str | None] | None, n: int) -> list[str]:
    """A column as trimmed text per row ('' for empty, null or no column)."""
    if column is None:
        return [""] * n
    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks()
    arr = column if isinstance(column, pa.Array) else pa.array(column, type=pa.string())
    if pa.types.is_dictionary(arr.type):
        arr = arr.dictionary_decode()
    text = pc.utf8_trim_whitespace(pc.fill_null(pc.cast(arr, pa.string()), ""))
    return [str(x) for x in text.to_pylist()]


def assign_parts(
    ctx: Context,
    *,
    zips: pa.Array | pa.ChunkedArray | Sequence[str | None] | None = None,
    streets: pa.Array | pa.ChunkedArray | Sequence[str | None] | None = None,
    cities: pa.Array | pa.ChunkedArray | Sequence[str | None] | None = None,
    states: pa.Array | pa.ChunkedArray | Sequence[str | None] | None = None,
) -> Assignment:
    """Office per address kept in parts (street, city, state, ZIP code: any of the columns).

    A row answers from its ZIP code (read as `assign_zips` reads one, spreadsheet repairs
    included), else from its city and state, else from its state (or its city, or its street,
    alone): what `locate` answers for a full address. When a part is empty or its ZIP code
    cannot be read, the reason says what the row was answered from and what it lacked."""
    given = {"street": streets, "city": cities, "state": states, "ZIP code": zips}
    n = next(len(c) for c in given.values() if c is not None)
    street, city, state = _cells(streets, n), _cells(cities, n), _cells(states, n)
    table = key_table(ctx)
    n_table = len(table.known)
    if zips is not None:
        by_zip = assign_zips(ctx, zips)
        cells = zip_cells(zips)
        use_zip, zip_missing = cells.ok, cells.missing
        key, extra = by_zip.key.copy(), by_zip.extra
    else:
        use_zip = zip_missing = np.zeros(n, dtype=bool)
        key, extra = np.zeros(n, dtype=np.int32), ()
    others = np.flatnonzero(~use_zip)
    texts = {"street": street, "city": city, "state": state}
    kept = [name for name in texts if given[name] is not None]
    queries: list[str] = []
    notes: list[str] = [""] * n
    for i in range(n):
        lacks = [name for name in kept if not texts[name][i]]
        if zips is not None and not use_zip[i] and zip_missing[i]:
            lacks.append("ZIP code")
        said = [f"no {', '.join(lacks)}"] if lacks else []
        if zips is not None and not use_zip[i] and not zip_missing[i]:
            said.append("its ZIP code does not read as one")
        if use_zip[i]:
            notes[i] = f"from the ZIP code ({'; '.join(said)})" if said else ""
            continue
        if city[i] and state[i]:
            used, query = "the city and state", f"{city[i]}, {state[i]}"
        elif state[i]:
            used, query = "the state alone", state[i]
        elif city[i]:
            used, query = "the city alone", city[i]
        else:
            used, query = "the street alone", street[i]
        queries.append(query)
        notes[i] = f"from {used} ({'; '.join(said)})" if said and query else ""
    a = Assignment(key, table, tuple(extra))
    if len(others):
        a = merged(a, assign_texts(ctx, queries), others)
    return _with_notes(a, notes, n_table)


def merged(a: Assignment, b: Assignment, rows: npt.NDArray[np.intp], note: str = "") -> Assignment:
    """`a` with the rows `rows` answered by `b` (an assignment of those rows, in order), their
    reasons led by `note` when one is given."""
    n_table = len(a.table.known)
    k = b.key.astype(np.int64)
    key = a.key.copy()
    key[rows] = np.where(k >= n_table, k + len(a.extra), k).astype(np.int32)
    out = Assignment(key, a.table, (*a.extra, *b.extra))
    if not note:
        return out
    notes = [""] * len(key)
    for r in rows.tolist():
        notes[r] = note
    return _with_notes(out, notes, n_table)


def _with_notes(a: Assignment, notes: list[str], n_table: int) -> Assignment:
    """`a` with each noted row's reason led by its note ('from the ZIP code (no street): ...')."""
    noted = [i for i, note in enumerate(notes) if note]
    if not noted:
        return a
    a.table.ensure(a.key)
    extra = list(a.extra)
    made: dict[tuple[int, str], int] = {}
    key = a.key.copy()
    for i in noted:
        k = int(a.key[i])
        slot = made.get((k, notes[i]))
        if slot is None:
            d: Decision | Answer
            if k < n_table:
                decided = a.table.dec.entry(k)
                d, reason = decided, short(decided.reason)
            else:
                d, reason = extra[k - n_table]
            extra.append((d, f"{notes[i]}: {reason}"))
            slot = made[(k, notes[i])] = n_table + len(extra) - 1
        key[i] = slot
    return Assignment(key, a.table, tuple(extra))


def result_columns(ctx: Context, a: Assignment) -> dict[str, pa.Array]:
    """The five output columns, dictionary-encoded: office_id, office_name, status, county_fips, reason.

    Each distinct outcome is worded once; rows point at it."""
    table = a.table
    n_table = len(table.known)
    table.ensure(a.key)
    used = np.flatnonzero(np.bincount(a.key, minlength=n_table + len(a.extra)))
    slot = np.zeros(n_table + len(a.extra), dtype=np.int32)
    slot[used] = np.arange(len(used), dtype=np.int32)
    indices = pa.array(np.take(slot, a.key))
    values: dict[str, list[str]] = {n: [] for n in ("office_id", "office_name", "status", "county_fips", "reason")}  # fmt: skip
    for key in used.tolist():
        d: Decision | Answer
        if key < n_table:
            d = table.dec.entry(key)
            reason = short(d.reason)
        else:
            d, reason = a.extra[key - n_table]
        values["office_id"].append("|".join(o.id for o in d.offices))  # nearby ones after
        values["office_name"].append("|".join(o.name for o in d.offices))
        values["status"].append(d.status)
        values["county_fips"].append("|".join(c.fips for c in d.counties))
        values["reason"].append(reason)
    return {
        name: pa.DictionaryArray.from_arrays(indices, pa.array(words_, type=pa.string()))
        for name, words_ in values.items()
    }


def status_counts(a: Assignment) -> dict[str, int]:
    counts = np.bincount(a.status, minlength=len(STATUS_NAMES))
    return {name: int(c) for name, c in zip(STATUS_NAMES, counts, strict=True) if c}


def assign_frame(df: Any, *, ctx: Context | None = None, lat: str | None = None, lon: str | None = None,
                 zip: str | None = None, place: str | None = None) -> Any:  # fmt: skip
    """The input table (pandas DataFrame or pyarrow Table) with the five answer columns added.

    Name the columns: lat= and lon=, or zip=, or place= (a place or an address). Rows are kept in
    order; a row that cannot be read is kept with status 'invalid' and a reason.
    """
    from fieldoffice.core.errors import InvalidInput
    from fieldoffice.directory.context import load_context

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
