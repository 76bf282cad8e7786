"""Populated places (GeoNames cities500, data/places.csv.gz): each with its point, population and the
county its own point is in, found by name within a state.

The table is built by scripts/build_data.py; here it becomes columns of the gazetteer's tables
(gazetteer.py stores them, in a snapshot too) and a view that finds places by (state, folded name).
A place is found under its name and a few other forms people write: its aliases in the data
("New York" for New York City), "Air Force Base" as "AFB" and the other way, and a name without a
leading "The" ("Bronx" for The Bronx). Same-named places of one state are kept largest first.
"""

from __future__ import annotations

import csv
import gzip
import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from fieldoffice.core.errors import DataError
from fieldoffice.core.text import fold
from fieldoffice.geo.names import Squeezed, put_squeezed

Arrays = Mapping[str, npt.NDArray[Any]]
KEY_SEP = "\t"
# Name forms: (folded ending, the other way it is written)
_FORMS = ((" air force base", " afb"), (" afb", " air force base"))


@dataclass(frozen=True)
class GeoPlace:
    """One populated place: where its point is, how many live there, and its county."""

    row: int
    name: str
    state: str
    county_fips: str
    lat: float
    lon: float
    population: int


def read_places(path: Path) -> tuple[dict[str, Any], list[dict[str, str]]]:
    """The places file's data_version (its first line) and its rows."""
    with gzip.open(path, "rt", newline="", encoding="utf-8") as f:
        first = f.readline()
        version = json.loads(first[1:]) if first.startswith("#") else {}
        return version, list(csv.DictReader(f))


def name_forms(name: str, aliases: Sequence[str] = ()) -> set[str]:
    """The folded names a place is found under."""
    out = {fold(n) for n in (name, *aliases) if fold(n)}
    for n in list(out):
        for end, other in _FORMS:
            if n.endswith(end):
                out.add(n[: -len(end)] + other)
        if n.startswith("the ") and len(n) > 4:
            out.add(n[4:])
    return out


def put_place_columns(
    a: dict[str, npt.NDArray[Any]],
    rows: Sequence[Mapping[str, str]],
    put_strings: Callable[[dict[str, npt.NDArray[Any]], str, Sequence[str]], None],
) -> None:
    """The places as columns, and a sorted (state, folded name) index over them."""
    put_strings(a, "gp.name", [r["name"] for r in rows])
    put_strings(a, "gp.state", [r["state"] for r in rows])
    put_strings(a, "gp.county", [r["county_fips"] for r in rows])
    a["gp.lat"] = np.array([float(r["lat"]) for r in rows], dtype=np.float64)
    a["gp.lon"] = np.array([float(r["lon"]) for r in rows], dtype=np.float64)
    a["gp.pop"] = np.array([int(r["population"] or 0) for r in rows], dtype=np.int64)
    index: dict[str, list[int]] = {}
    for i, r in enumerate(rows):
        if KEY_SEP in r["state"]:
            raise DataError("the packaged places file has a state code with a tab in it")
        aliases = [x for x in r.get("aliases", "").split("|") if x]
        for form in name_forms(r["name"], aliases):
            index.setdefault(r["state"] + KEY_SEP + form, []).append(i)
    pops = a["gp.pop"]
    keys = sorted(index)
    ordered = [sorted(index[k], key=lambda i: (-int(pops[i]), i)) for k in keys]
    put_squeezed(a, "gn.key", keys, put_strings)
    a["gn.start"] = np.cumsum([0] + [len(o) for o in ordered]).astype(np.int32)
    a["gn.row"] = np.array([i for o in ordered for i in o], dtype=np.int32)


class SortedStrings(Protocol):
    """A string column that can find a string in itself when it is sorted (gazetteer.StrColumn)."""

    def __len__(self) -> int: ...
    def __getitem__(self, i: int) -> str: ...
    def __iter__(self) -> Iterator[str]: ...
    def index_of(self, text: str) -> int: ...


class PlaceTable:
    """The places, read from the columns: by row, and by (state, name) largest first."""

    def __init__(self, a: Arrays, str_column: Callable[[Arrays, str], SortedStrings]) -> None:
        self._name = str_column(a, "gp.name")
        self._state = str_column(a, "gp.state")
        self._county = str_column(a, "gp.county")
        self._lat = a["gp.lat"]
        self._lon = a["gp.lon"]
        self.population = a["gp.pop"]
        self.keys = str_column(a, "gn.key")
        self._squeezed = Squeezed(a, "gn.key", str_column)
        self._start = a["gn.start"]
        self._row = a["gn.row"]

    def __len__(self) -> int:
        return len(self._lat)

    @property
    def points(self) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
        """Every place's (lat, lon), by row."""
        return self._lat, self._lon

    def at(self, row: int) -> GeoPlace:
        return GeoPlace(row, self._name[row], self._state[row], self._county[row],
                        float(self._lat[row]), float(self._lon[row]),
                        int(self.population[row]))  # fmt: skip

    def rows_of(self, state: str, folded: str) -> list[int]:
        """The rows of the places of this folded name in a state, largest first (the one name
        that is this one without spaces, when the name is not found as written)."""
        if KEY_SEP in state:
            return []
        i = self._squeezed.find(self.keys, state + KEY_SEP + folded)
        if i < 0:
            return []
        rows: list[int] = self._row[int(self._start[i]) : int(self._start[i + 1])].tolist()
        return rows

    def named(self, state: str, key: str) -> list[GeoPlace]:
        """The places a folded name means in a state, largest first."""
        return [self.at(r) for r in self.rows_of(state, key)]

    def by_key(self) -> Iterator[tuple[str, str, list[int]]]:
        """Every (state, folded name) and its rows, largest first."""
        start = self._start.tolist()
        rows = self._row.tolist()
        for i, k in enumerate(list(self.keys)):
            state, _, name = k.partition(KEY_SEP)
            yield state, name, rows[start[i] : start[i + 1]]
