"""Names to places: states, counties, ZIP codes, and cities (city + state -> ZIPs -> counties)."""

from __future__ import annotations

import csv
import gzip
import json
from dataclasses import dataclass
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from fieldoffice.geo.boundaries import County, read_counties_geojson, read_county_table
from fieldoffice.geo.index import PointIndex
from fieldoffice.geo.index_arrays import IndexArrays
from fieldoffice.regions import CountyNames
from fieldoffice.text import fold


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


class Gazetteer:
    """Everything fieldoffice knows about US geography, loaded from the packaged data."""

    def __init__(self, data_dir: Path | None = None) -> None:
        self.data_dir = data_dir or data_path("")
        self.counties_version, self.counties, self._county_points = read_county_table(
            self.data_dir / "counties.geojson"
        )
        self.county_by_fips = {c.fips: c for c in self.counties}
        self.county_names = CountyNames(self.counties)
        states = json.loads((self.data_dir / "states.json").read_text())["states"]
        self.states = [State(s["fips"], s["usps"], s["name"], s["territory"]) for s in states]
        self.state_by_usps = {s.usps: s for s in self.states}
        self._state_keys: dict[str, State] = {}
        for s in self.states:
            for name in (s.usps, s.name, s.fips):
                self._state_keys[fold(name)] = s
        self._state_keys[fold("Washington State")] = self.state_by_usps["WA"]
        self._state_keys[fold("D.C.")] = self.state_by_usps["DC"]
        self._state_keys[fold("Washington DC")] = self.state_by_usps["DC"]
        self._state_keys[fold("Virgin Islands")] = self.state_by_usps["VI"]
        self._state_keys[fold("Washington, D.C.")] = self.state_by_usps["DC"]
        self.zips_version, self.zips = self._read_zips()
        # A city's ZIPs are those the USPS names it by; a ZIP that only accepts the name as an
        # alternative (92275 Salton City also answers to "Thermal") counts only for a name that is
        # no ZIP's main city.
        self.places: dict[tuple[str, str], list[str]] = {}
        self.place_names: dict[tuple[str, str], str] = {}
        alternates: dict[tuple[str, str], list[str]] = {}
        for z in self.zips.values():
            key = (z.state, fold(z.city))
            self.places.setdefault(key, []).append(z.zip)
            self.place_names.setdefault(key, z.city.title() if z.city.isupper() else z.city)
        for z in self.zips.values():
            for name in z.alt_cities:
                key = (z.state, fold(name))
                if key not in self.places:
                    alternates.setdefault(key, []).append(z.zip)
                    self.place_names.setdefault(key, name.title() if name.isupper() else name)
        self.places.update(alternates)

    def _read_zips(self) -> tuple[dict[str, Any], dict[str, Zip]]:
        with gzip.open(self.data_dir / "zips.csv.gz", "rt", newline="") as f:
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

    # -- lookups --------------------------------------------------------------------------------
    def state(self, text: str) -> State | None:
        return self._state_keys.get(fold(text))

    def county_point(self, fips: str) -> tuple[float, float]:
        return self._county_points[fips]

    def state_counties(self, usps: str) -> list[County]:
        return self.county_names.by_state.get(usps, [])

    def place_zips(self, state: str, city: str) -> list[Zip]:
        return [self.zips[z] for z in self.places.get((state, fold(city)), [])]

    # -- geometry (loaded only when a point is asked about) -------------------------------------
    @cached_property
    def polygons(self) -> npt.NDArray[np.object_]:
        _, geoms = read_counties_geojson(self.data_dir / "counties.geojson")
        return geoms

    @cached_property
    def index(self) -> PointIndex:
        return PointIndex(
            IndexArrays.load(self.data_dir / "county_index.npz"), lambda: self.polygons
        )

    @property
    def tolerance_km(self) -> float:
        return float(self.counties_version.get("tolerance_km", 5.0))
