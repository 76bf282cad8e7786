"""Names to places: states, counties, ZIP codes, and cities (city + state -> ZIPs -> counties).

The gazetteer keeps its tables as columns of numpy arrays (`GeoTables`: strings end to end in
UTF-8, numbers as numbers), made from the packaged data by `build_tables`, or mapped from a snapshot
(see snapshot.py) without building anything. The objects the rest of the code reads (County, Zip,
the place lists) are made from the columns only when asked for. The point index and the polygons
are loaded on first use; with a snapshot store they come from it too (built there once).
"""

from __future__ import annotations

import bisect
import json
from collections.abc import ItemsView, Iterator, Mapping, Sequence, ValuesView
from dataclasses import dataclass, fields
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, overload

import numpy as np
import numpy.typing as npt

from fieldoffice.core import snapshot
from fieldoffice.core.errors import DataError
from fieldoffice.core.text import fold
from fieldoffice.geo.boundaries import County, read_county_table
from fieldoffice.geo.names import CountyNames, Squeezed, put_squeezed
from fieldoffice.geo.places import PlaceTable, put_place_columns, read_places
from fieldoffice.geo.state_names import DOTTED_STATES, STATE_ALIASES

if TYPE_CHECKING:
    from fieldoffice.geo.index import PointIndex
    from fieldoffice.geo.index_arrays import IndexArrays

Arrays = Mapping[str, npt.NDArray[Any]]
_SEP = "\x1f"  # between the strings of a column (no name in the data contains it)
_KEY_SEP = "\t"  # between state and folded name in a place key (fold never leaves one)
# The source files of the tables, and the code that turns them into tables: a new key if any change.
TABLE_FILES = (
    "counties.geojson",
    "states.json",
    "zips.csv.gz",
    "places.csv.gz",
    "zip_counties.csv.gz",
)
TABLE_CODE = (
    "fieldoffice.geo.gazetteer",
    "fieldoffice.geo.boundaries",
    "fieldoffice.geo.names",
    "fieldoffice.geo.state_names",
    "fieldoffice.geo.places",
    "fieldoffice.core.text",
    "fieldoffice.core.snapshot",
)


def data_path(name: str) -> Path:
    return Path(str(resources.files("fieldoffice.data").joinpath(name)))


@dataclass(frozen=True)
class State:
    fips: str
    usps: str
    name: str
    territory: bool


@dataclass(frozen=True)
class Zip:
    zip: str
    type: str
    state: str
    city: str
    alt_cities: tuple[str, ...]
    county_fips: str | None
    lat: float | None
    lon: float | None


# -- columns -----------------------------------------------------------------------------------------
def _put_strings(arrays: dict[str, npt.NDArray[Any]], name: str, values: Sequence[str]) -> None:
    """A string column: the strings joined by _SEP in UTF-8, and where each one starts."""
    bad = next((v for v in values if _SEP in v), None)
    if bad is not None:
        raise DataError(f"a name in the packaged data contains a control character: {bad!r}")
    encoded = [v.encode() for v in values]
    starts = np.zeros(len(values) + 1, dtype=np.int64)
    np.cumsum([len(b) + 1 for b in encoded], out=starts[1:])
    arrays[name] = np.frombuffer(_SEP.encode().join(encoded), dtype=np.uint8)
    arrays[name + "@"] = starts.astype(np.int32) if starts[-1] < 2**31 else starts


class StrColumn(Sequence[str]):
    """A string column read in place: one string decoded per access, or all of them at once."""

    def __init__(self, arrays: Arrays, name: str) -> None:
        self._data = arrays[name].data.cast("B")
        self._starts = arrays[name + "@"].data  # a memoryview: its items are read as plain ints
        self._n = len(self._starts) - 1
        self._all: list[str] | None = None

    def __len__(self) -> int:
        return self._n

    @overload
    def __getitem__(self, i: int) -> str: ...
    @overload
    def __getitem__(self, i: slice) -> list[str]: ...
    def __getitem__(self, i: int | slice) -> str | list[str]:
        if self._all is not None or isinstance(i, slice):
            return self.tolist()[i]
        if not -self._n <= i < self._n:
            raise IndexError(i)
        return self._at(i % self._n)

    def _at(self, i: int) -> str:
        return str(self._data[self._starts[i] : self._starts[i + 1] - 1], "utf-8")

    def index_of(self, text: str) -> int:
        """Where `text` is in this column, which is sorted; -1 if it is not in it."""
        if self._all is not None:
            i = bisect.bisect_left(self._all, text)
        else:  # decoding only the strings compared (about 15), without __getitem__'s checks
            i = bisect.bisect_left(range(self._n), text, key=self._at)
        return i if i < self._n and self[i] == text else -1

    def tolist(self) -> list[str]:
        if self._all is None:
            self._all = str(self._data, "utf-8").split(_SEP) if self._n else []
        return self._all


@dataclass(frozen=True)
class GeoTables:
    """The gazetteer as columns (what a snapshot stores) and its small parts as JSON."""

    arrays: Arrays
    meta: dict[str, Any]


def read_zips(path: Path) -> tuple[dict[str, Any], dict[str, Zip]]:
    """The ZIP file's data_version (its first line) and its rows by ZIP code."""
    import csv
    import gzip

    with gzip.open(path, "rt", newline="") as f:
        first = f.readline()
        version = json.loads(first[1:]) if first.startswith("#") else {}
        out = {}
        for r in csv.DictReader(f):
            out[r["zip"]] = Zip(
                zip=r["zip"],
                type=r["type"],
                state=r["state"],
                city=r["city"],
                alt_cities=tuple(a for a in r["alt_cities"].split("|") if a),
                county_fips=r["county_fips"] or None,
                lat=float(r["lat"]) if r["lat"] else None,
                lon=float(r["lon"]) if r["lon"] else None,
            )
    return version, out


def _display(name: str) -> str:
    return name.title() if name.isupper() else name


def place_tables(
    zips: Mapping[str, Zip],
) -> tuple[dict[tuple[str, str], list[str]], dict[tuple[str, str], str]]:
    """(state, folded city) -> its ZIP codes, and -> the city's name as written.

    A city's ZIPs are those the USPS names it by; a ZIP that only accepts the name as an
    alternative (92275 Salton City also answers to "Thermal") counts only for a name that is
    no ZIP's main city.
    """
    places: dict[tuple[str, str], list[str]] = {}
    names: dict[tuple[str, str], str] = {}
    alternates: dict[tuple[str, str], list[str]] = {}
    for z in zips.values():
        key = (z.state, fold(z.city))
        places.setdefault(key, []).append(z.zip)
        names.setdefault(key, _display(z.city))
    for z in zips.values():
        for name in z.alt_cities:
            key = (z.state, fold(name))
            if key not in places:
                alternates.setdefault(key, []).append(z.zip)
                names.setdefault(key, _display(name))
    places.update(alternates)
    return places, names


def read_zip_counties(path: Path) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """The ZIP-to-counties file's data_version and, per ZIP whose area reaches other counties than
    the one it is filed under, every county it reaches (none if the file is missing)."""
    import csv
    import gzip

    if not path.exists():
        return {}, {}
    with gzip.open(path, "rt", newline="") as f:
        first = f.readline()
        version = json.loads(first[1:]) if first.startswith("#") else {}
        return version, {r["zip"]: r["counties"].split("|") for r in csv.DictReader(f)}


def _put_zip_columns(a: dict[str, npt.NDArray[Any]], rows: list[Zip]) -> None:
    if any(len(z.zip) != 5 or not (z.zip.isascii() and z.zip.isdigit()) for z in rows):
        raise DataError("the packaged ZIP file has a code that is not 5 digits")
    _put_strings(a, "zip.code", [z.zip for z in rows])
    _put_strings(a, "zip.type", [z.type for z in rows])
    _put_strings(a, "zip.state", [z.state for z in rows])
    _put_strings(a, "zip.city", [z.city for z in rows])
    _put_strings(a, "zip.alt", ["|".join(z.alt_cities) for z in rows])
    _put_strings(a, "zip.county", [z.county_fips or "" for z in rows])
    a["zip.lat"] = np.array([np.nan if z.lat is None else z.lat for z in rows], dtype=np.float64)
    a["zip.lon"] = np.array([np.nan if z.lon is None else z.lon for z in rows], dtype=np.float64)
    by_number = np.full(100_000, -1, dtype=np.int32)
    by_number[[int(z.zip) for z in rows]] = np.arange(len(rows), dtype=np.int32)
    a["zip.row"] = by_number


def _put_zip_reach(a: dict[str, npt.NDArray[Any]], zips: list[Zip], reach: dict[str, list[str]],
                   county_row: dict[str, int]) -> None:  # fmt: skip
    """Per ZIP row, the counties (rows) its area reaches beyond its own, as CSR columns."""
    lists = [[county_row[f] for f in reach.get(z.zip, ()) if f in county_row] for z in zips]
    a["zip.reach_start"] = np.cumsum([0] + [len(x) for x in lists]).astype(np.int32)
    a["zip.reach_county"] = np.array([k for x in lists for k in x], dtype=np.int32)


def build_tables(data_dir: Path) -> GeoTables:
    """Read the packaged data and make the gazetteer's columns (the slow part: done once)."""
    counties_version, counties, points = read_county_table(data_dir / "counties.geojson")
    raw_states = json.loads((data_dir / "states.json").read_text())["states"]
    states = [State(s["fips"], s["usps"], s["name"], s["territory"]) for s in raw_states]
    by_usps = {s.usps: s for s in states}
    state_keys: dict[str, str] = {}
    for s in states:
        for name in (s.usps, s.name, s.fips):
            state_keys[fold(name)] = s.usps
    for alias, usps in STATE_ALIASES:
        state_keys[fold(alias)] = by_usps[usps].usps
    zips_version, zips = read_zips(data_dir / "zips.csv.gz")
    places, place_names = place_tables(zips)

    a: dict[str, npt.NDArray[Any]] = {}
    _put_strings(a, "county.fips", [c.fips for c in counties])
    _put_strings(a, "county.name", [c.name for c in counties])
    _put_strings(a, "county.short", [c.short_name for c in counties])
    _put_strings(a, "county.state", [c.state for c in counties])
    _put_strings(a, "county.name_fold", [fold(c.name) for c in counties])
    _put_strings(a, "county.short_fold", [fold(c.short_name) for c in counties])
    a["county.lat"] = np.array([points[c.fips][0] for c in counties], dtype=np.float64)
    a["county.lon"] = np.array([points[c.fips][1] for c in counties], dtype=np.float64)

    rows = list(zips.values())
    _put_zip_columns(a, rows)
    zip_counties_version, reach = read_zip_counties(data_dir / "zip_counties.csv.gz")
    _put_zip_reach(a, rows, reach, {c.fips: k for k, c in enumerate(counties)})

    row_of = {z.zip: i for i, z in enumerate(rows)}
    keys = sorted(places, key=lambda k: k[0] + _KEY_SEP + k[1])
    if any(_KEY_SEP in st for st, _ in keys):
        raise DataError("the packaged ZIP file has a state code with a tab in it")
    put_squeezed(a, "place.key", [st + _KEY_SEP + name for st, name in keys], _put_strings)
    _put_strings(a, "place.name", [place_names[k] for k in keys])
    a["place.start"] = np.cumsum([0] + [len(places[k]) for k in keys]).astype(np.int32)
    a["place.zip"] = np.array([row_of[z] for k in keys for z in places[k]], dtype=np.int32)

    places_version, place_rows = read_places(data_dir / "places.csv.gz")
    put_place_columns(a, place_rows, _put_strings)

    meta = {
        "counties_version": counties_version,
        "zips_version": zips_version,
        "places_version": places_version,
        "zip_counties_version": zip_counties_version,
        "states": [[s.fips, s.usps, s.name, s.territory] for s in states],
        "state_keys": state_keys,
    }
    return GeoTables(a, meta)


def tables_key(data_dir: Path) -> str:
    """What the tables are built from: the data files, the code that reads them, the format."""
    return snapshot.digest(
        "geo-tables",
        snapshot.FORMAT_VERSION,
        [snapshot.stamp(data_dir / f) for f in TABLE_FILES],
        snapshot.code_stamp(TABLE_CODE),
    )


# -- views over the columns ----------------------------------------------------------------------------
class ZipTable(Mapping[str, Zip]):
    """ZIP code -> Zip, read from the columns on demand (a full dict only if iterated by value)."""

    def __init__(self, a: Arrays) -> None:
        self.code = StrColumn(a, "zip.code")
        self._type = StrColumn(a, "zip.type")
        self._state = StrColumn(a, "zip.state")
        self._city = StrColumn(a, "zip.city")
        self._alt = StrColumn(a, "zip.alt")
        self._county = StrColumn(a, "zip.county")
        self._lat = a["zip.lat"]
        self._lon = a["zip.lon"]
        self._row = a["zip.row"]
        self._made: dict[int, Zip] = {}
        self._all: dict[str, Zip] | None = None

    def county_column(self) -> list[str]:
        """Each ZIP's county FIPS, in table order ("" where it has none)."""
        return self._county.tolist()

    def row_of(self, code: object) -> int:
        """The row of a 5-digit ZIP code, or -1."""
        if not (isinstance(code, str) and len(code) == 5 and code.isascii() and code.isdigit()):
            return -1
        return int(self._row[int(code)])

    def at(self, row: int) -> Zip:
        """The Zip of a row."""
        z = self._made.get(row)
        if z is None:
            lat, lon = float(self._lat[row]), float(self._lon[row])
            z = self._made[row] = Zip(
                zip=self.code[row],
                type=self._type[row],
                state=self._state[row],
                city=self._city[row],
                alt_cities=tuple(x for x in self._alt[row].split("|") if x),
                county_fips=self._county[row] or None,
                lat=None if lat != lat else lat,  # NaN: no point
                lon=None if lon != lon else lon,
            )
        return z

    def __getitem__(self, code: object) -> Zip:  # any key, as a dict takes (KeyError if no ZIP)
        row = self.row_of(code)
        if row < 0:
            raise KeyError(code)
        return self.at(row)

    def __contains__(self, code: object) -> bool:
        return self.row_of(code) >= 0

    def __iter__(self) -> Iterator[str]:
        return iter(self.code.tolist())

    def __len__(self) -> int:
        return len(self.code)

    def as_dict(self) -> dict[str, Zip]:
        """Every Zip, made once (for code that walks them all)."""
        if self._all is None:
            self._all = {c: self.at(i) for i, c in enumerate(self.code.tolist())}
        return self._all

    def values(self) -> ValuesView[Zip]:
        return self.as_dict().values()

    def items(self) -> ItemsView[str, Zip]:
        return self.as_dict().items()


class _PlaceKeys:
    """The sorted (state, folded name) keys of the place tables, searched in place (names.Squeezed)."""

    def __init__(self, a: Arrays) -> None:
        self.keys = StrColumn(a, "place.key")
        self._squeezed = Squeezed(a, "place.key", StrColumn)

    def find(self, key: object) -> int:
        if not (isinstance(key, tuple) and len(key) == 2):
            return -1
        state, name = key
        if not (isinstance(state, str) and isinstance(name, str)) or _KEY_SEP in state:
            return -1
        return self._squeezed.find(self.keys, state + _KEY_SEP + name)

    def __iter__(self) -> Iterator[tuple[str, str]]:
        for k in self.keys.tolist():
            state, _, name = k.partition(_KEY_SEP)
            yield (state, name)


class PlaceZips(Mapping[tuple[str, str], list[str]]):
    """(state, folded city) -> the city's ZIP codes."""

    def __init__(self, a: Arrays, keys: _PlaceKeys, zips: ZipTable) -> None:
        self._keys = keys
        self._start = a["place.start"]
        self._zip = a["place.zip"]
        self._zips = zips

    def rows(self, key: object) -> list[int]:
        i = self._keys.find(key)
        if i < 0:
            return []
        rows: list[int] = self._zip[int(self._start[i]) : int(self._start[i + 1])].tolist()
        return rows

    def __getitem__(self, key: object) -> list[str]:
        i = self._keys.find(key)
        if i < 0:
            raise KeyError(key)
        return [self._zips.code[r] for r in self.rows(key)]

    def sizes(self) -> npt.NDArray[np.int64]:
        """How many ZIP codes each place has, in the order the keys iterate."""
        start: npt.NDArray[np.int64] = np.asarray(self._start, dtype=np.int64)
        sizes: npt.NDArray[np.int64] = start[1:] - start[:-1]
        return sizes

    def __contains__(self, key: object) -> bool:
        return self._keys.find(key) >= 0

    def __iter__(self) -> Iterator[tuple[str, str]]:
        return iter(self._keys)

    def __len__(self) -> int:
        return len(self._keys.keys)


class PlaceNames(Mapping[tuple[str, str], str]):
    """(state, folded city) -> the city's name as written ("Reno", "Salt Lake City")."""

    def __init__(self, a: Arrays, keys: _PlaceKeys) -> None:
        self._keys = keys
        self._name = StrColumn(a, "place.name")

    def __getitem__(self, key: object) -> str:
        i = self._keys.find(key)
        if i < 0:
            raise KeyError(key)
        return self._name[i]

    def __contains__(self, key: object) -> bool:
        return self._keys.find(key) >= 0

    def __iter__(self) -> Iterator[tuple[str, str]]:
        return iter(self._keys)

    def __len__(self) -> int:
        return len(self._name)

    def items(self) -> ItemsView[tuple[str, str], str]:
        return dict(zip(self._keys, self._name.tolist(), strict=True)).items()


# -- the gazetteer -------------------------------------------------------------------------------------
class Gazetteer:
    """Everything fieldoffice knows about US geography, from the packaged data.

    `Gazetteer()` builds its tables from the data files; `tables=` gives them ready-made (from a
    snapshot), and `store=` is where the point index and the polygons are kept once built.
    """

    def __init__(
        self,
        data_dir: Path | None = None,
        *,
        tables: GeoTables | None = None,
        store: snapshot.Store | None = None,
    ) -> None:
        self.data_dir = data_dir or data_path("")
        self.tables = tables if tables is not None else build_tables(self.data_dir)
        self._store = store
        a, meta = self.tables.arrays, self.tables.meta
        self.counties_version: dict[str, Any] = meta["counties_version"]
        self.zips_version: dict[str, Any] = meta["zips_version"]
        self.places_version: dict[str, Any] = meta.get("places_version", {})
        self.zip_counties_version: dict[str, Any] = meta.get("zip_counties_version", {})
        self.states = [State(f, u, n, bool(t)) for f, u, n, t in meta["states"]]
        self.state_by_usps = {s.usps: s for s in self.states}
        self._state_keys = {k: self.state_by_usps[u] for k, u in meta["state_keys"].items()}
        self.zips = ZipTable(a)
        keys = _PlaceKeys(a)
        self.places = PlaceZips(a, keys, self.zips)
        self.place_names = PlaceNames(a, keys)
        self.geoplaces = PlaceTable(a, StrColumn)
        self._county_lat = a["county.lat"]
        self._county_lon = a["county.lon"]

    # -- counties, made when first asked for -----------------------------------------------------
    @cached_property
    def counties(self) -> list[County]:
        a = self.tables.arrays
        cols = (StrColumn(a, f"county.{c}").tolist() for c in ("fips", "name", "short", "state"))
        return [County(f, n, s, st) for f, n, s, st in zip(*cols, strict=True)]

    @cached_property
    def county_by_fips(self) -> dict[str, County]:
        return {c.fips: c for c in self.counties}

    @cached_property
    def _county_row(self) -> dict[str, int]:
        return {c.fips: i for i, c in enumerate(self.counties)}

    @cached_property
    def county_names(self) -> CountyNames:
        a = self.tables.arrays
        names, shorts = (StrColumn(a, f"county.{c}_fold").tolist() for c in ("name", "short"))
        return CountyNames(self.counties, (names, shorts))

    # -- lookups --------------------------------------------------------------------------------
    def state(self, text: str, *, abbreviated: bool = False) -> State | None:
        key = fold(text)  # (abbreviated: where only a state can stand, "Waco, Tex"; else "W. Va.")
        dotted = DOTTED_STATES.get(key) if "." in text or abbreviated else None
        return self._state_keys.get(key) or (self.state_by_usps[dotted] if dotted else None)

    def county_point(self, fips: str) -> tuple[float, float]:
        """A county's label point (lat, lon)."""
        row = self._county_row[fips]
        return float(self._county_lat[row]), float(self._county_lon[row])

    def state_counties(self, usps: str) -> list[County]:
        return self.county_names.by_state.get(usps, [])

    def zip_reach(self, code: str) -> list[str]:
        """The counties (FIPS) a ZIP code's area reaches besides the one it is filed under, by the
        Census 2010 ZCTA-to-county relationship (see docs/data.md); [] for most."""
        row = self.zips.row_of(code)
        if row < 0:
            return []
        a = self.tables.arrays
        start, stop = a["zip.reach_start"][row : row + 2].tolist()
        counties = self.counties
        return [counties[k].fips for k in a["zip.reach_county"][start:stop].tolist()]

    @property
    def zip_reach_arrays(self) -> tuple[npt.NDArray[np.int32], npt.NDArray[np.int32]]:
        """zip_reach for every ZIP row at once, as CSR: (start per row and one past, county rows)."""
        a = self.tables.arrays
        return a["zip.reach_start"], a["zip.reach_county"]

    def place_zips(self, state: str, key: str) -> list[Zip]:
        """The ZIP codes of a city by its folded name (`fold`, as the place tables are keyed)."""
        return [self.zips.at(r) for r in self.places.rows((state, key))]

    # -- geometry (loaded only when a point is asked about) -------------------------------------
    @cached_property
    def polygons(self) -> npt.NDArray[np.object_]:
        from fieldoffice.geo.boundaries import (
            polygons_from_wkb,
            polygons_to_wkb,
            read_counties_geojson,
        )

        path = self.data_dir / "counties.geojson"
        if self._store is None:
            return read_counties_geojson(path)[1]
        key = snapshot.digest(
            "polygons",
            snapshot.FORMAT_VERSION,
            snapshot.stamp(path),
            snapshot.code_stamp(["fieldoffice.geo.boundaries"]),
        )
        arrays = self._store.arrays(
            "polygons", key, lambda: polygons_to_wkb(read_counties_geojson(path)[1])
        )
        return polygons_from_wkb(dict(arrays))

    @cached_property
    def index(self) -> PointIndex:
        from fieldoffice.geo.index import PointIndex

        return PointIndex(self._index_arrays(), lambda: self.polygons)

    def _index_arrays(self) -> IndexArrays:
        from fieldoffice.geo.index_arrays import IndexArrays

        path = self.data_dir / "county_index.npz"
        if self._store is None:
            return IndexArrays.load(path)
        key = snapshot.digest(
            "index",
            snapshot.FORMAT_VERSION,
            snapshot.stamp(path),
            snapshot.code_stamp(["fieldoffice.geo.index_arrays"]),
        )
        names = [f.name for f in fields(IndexArrays)]

        def build() -> dict[str, npt.NDArray[Any]]:
            loaded = IndexArrays.load(path)
            return {n: np.asarray(getattr(loaded, n)) for n in names}

        arrays = self._store.arrays("index", key, build)
        kw: dict[str, Any] = {
            n: arrays[n].item() if arrays[n].ndim == 0 else arrays[n] for n in names
        }
        return IndexArrays(**kw)

    @property
    def tolerance_km(self) -> float:
        return float(self.counties_version.get("tolerance_km", 5.0))
