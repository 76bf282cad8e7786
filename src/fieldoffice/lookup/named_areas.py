"""Named areas people type: the directory's region phrases and everyday names of county groups.

"West Texas", "NoVA", "Hampton Roads", "Twin Cities", "Upper Peninsula", "Nansemond County, VA"
are places too. Each is a set of counties with a source and a confidence:

- regions.toml's regions, typeable by their own names;
- data/areas.toml: variants of those names and nicknames of big cities;
- data/metros.toml: metropolitan areas (OMB's CBSA delineation) by official and common names;
- data/regions_people_say.toml: the vernacular regions of every state (Lowcountry, Front Range);
- data/neighbourhoods.toml: big cities' neighbourhoods GeoNames lacks ("Bedford-Stuyvesant, NY");
- data/former_counties.toml: county names retired since 1970, each answering for today's county
  or counties (Census Bureau, Substantial Changes to Counties and County Equivalent Entities);
- and one generated family: a compass word with a state ("Western New York", "North Florida",
  "Central PA") is a region of that state, its counties where a file above defines it, else the
  whole state.

Matching is by folded name, with or without the state after it ("West Texas, TX"), and then
without the words people put around a name ("the Golden Crescent region", "Kansas City area": see
`core`). A former name that is also a county elsewhere today ("Armstrong County") answers only with
its state; one that is also a region of today ("Yellowstone National Park") is that region. Two
entries never share a name (see `load_tables`).
"""

from __future__ import annotations

import pickle
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property, lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from fieldoffice.core import snapshot
from fieldoffice.core.errors import DataError
from fieldoffice.core.models import CONFIDENCE_RANK, GUESS_CONFIDENCE, Region
from fieldoffice.core.text import fold
from fieldoffice.geo.gazetteer import Gazetteer, State

# the files read, in order: the first name given to an area keeps it
AREA_FILES = ("areas.toml", "metros.toml", "regions_people_say.toml", "neighbourhoods.toml",
              "former_counties.toml")  # fmt: skip
KINDS = ("directory", "area", "metro", "vernacular", "neighbourhood", "former", "compass")


@dataclass(frozen=True)
class Area:
    name: str
    state: str  # the main state (USPS); `states` has every state the counties lie in
    counties: tuple[str, ...]
    source: str
    region: str | None = None  # the regions.toml id, when the area is exactly a region
    confidence: str | None = None  # how sure the edge is (None: the region's own claims say)
    kind: str = "area"  # one of KINDS
    states: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        if not self.states:
            object.__setattr__(self, "states", (self.state,))


def default_path() -> Path:
    return data_file("areas.toml")


def data_file(name: str) -> Path:
    return Path(str(resources.files("fieldoffice.data").joinpath(name)))


def default_paths() -> list[Path]:
    return [data_file(n) for n in AREA_FILES]


@dataclass
class AreaTables:
    """Every name of every area: `by_key` for names that stand alone, `by_state_key` for names
    that answer only with their state (a former county whose name another state still uses)."""

    by_key: dict[str, Area]
    by_state_key: dict[tuple[str, str], Area]


def load_areas(gaz: Gazetteer, regions: Mapping[str, Region], path: Path | Sequence[Path] | None = None) -> dict[str, Area]:  # fmt: skip
    """Folded name or alias -> area (the names that stand alone): see `load_tables`."""
    return load_tables(gaz, regions, path).by_key


def load_tables(gaz: Gazetteer, regions: Mapping[str, Region], path: Path | Sequence[Path] | None = None) -> AreaTables:  # fmt: skip
    """Every region under its own name, then the entries of the area files (checked: an unknown
    county, state or region is an error that names it, and so is a name two entries give).

    Which area a name means is decided by rule, not by the order of the files:

    - the directory's own regions keep their names;
    - two [[area]] entries never share a name (an error naming both); with a state, the area
      lying in fewer states wins ("Eastern Shore, MD" is Maryland's, not the Delmarva's whole
      shore), and two of the same reach are an error;
    - a region people say today keeps its name against a former county of the same name
      ("Yellowstone National Park" is the park, in three states, not the Montana county-equivalent
      retired in 1997): the region's source mentions the former county, which still answers by its
      other names ("Yellowstone National Park County")."""
    tables = AreaTables({}, {})
    for r in regions.values():
        own = Area(r.name, r.state, tuple(sorted(r.counties)), r.source, r.id, kind="directory")
        _put(tables, own, [r.name])
    paths = default_paths() if path is None else [path] if isinstance(path, Path) else list(path)
    entries: list[_Entry] = []
    formers: list[tuple[Area, list[str], bool]] = []
    current = {fold(c.name) for c in gaz.counties}
    for p in paths:
        raw = _read(p)
        for entry in raw.get("area", []):
            where = f"{p}: area {entry.get('name')!r}"
            area = _area(gaz, regions, entry, where)
            names = [*_own_name(entry), *entry.get("aliases", ())]
            entries.append(_Entry(area, names, list(entry.get("state_aliases", ())), where))
        for entry in raw.get("former", []):
            area = _former(gaz, entry, f"{p}: former {entry.get('name')!r}")
            names = [entry["name"], *entry.get("aliases", ())]
            bare = entry.get("bare")
            # still a county's name somewhere: only with its state
            only_with_state = bare is False or (bare is None and any(fold(n) in current for n in names))  # fmt: skip
            formers.append((area, names, only_with_state))
    entries = _mention_formers(tables, entries, formers)
    _put_entries(tables, entries)
    for area, names, only_with_state in formers:
        if only_with_state:
            for n in names:
                tables.by_state_key.setdefault((area.state, fold(n)), area)
        else:
            _put(tables, area, names)
    return tables


@dataclass
class _Entry:
    """An [[area]] entry as read: its area, the names that stand alone, those that need a state."""

    area: Area
    names: list[str]
    state_names: list[str]
    where: str


def _mention_formers(tables: AreaTables, entries: list[_Entry], formers: Sequence[tuple[Area, list[str], bool]]) -> list[_Entry]:  # fmt: skip
    """The entries, each region that shares a name with a former county saying so in its source
    (today's region answers for the name: see load_tables)."""
    today = {fold(n) for e in entries for n in e.names} | set(tables.by_key)
    shadowed: dict[str, list[Area]] = {}
    for area, names, _ in formers:
        for n in names:
            if fold(n) in today:
                shadowed.setdefault(fold(n), []).append(area)
    if not shadowed:
        return entries
    out = []
    for e in entries:
        olds = list(dict.fromkeys(a for n in e.names for a in shadowed.get(fold(n), ())))
        if olds and e.area.region is None:
            said = "; ".join(a.source for a in olds)
            source = f"{e.area.source} (also a former county-equivalent's name: {said})"
            e = _Entry(replace(e.area, source=source), e.names, e.state_names, e.where)
        out.append(e)
    return out


def _as_reading(area: Area) -> Area:
    """A neighbourhood by a name that needs its state ("Hillcrest, CA" for San Diego's) is a
    reading: a place the data lacks may have the name too (Hillcrest, Kern County), so it is
    never more certain than a guess."""
    if area.kind != "neighbourhood":
        return area
    if area.confidence is not None and CONFIDENCE_RANK[area.confidence] <= CONFIDENCE_RANK[GUESS_CONFIDENCE]:  # fmt: skip
        return area
    return replace(area, confidence=GUESS_CONFIDENCE)


def _put_entries(tables: AreaTables, entries: Sequence[_Entry]) -> None:
    """The entries' names (see load_tables): a name alone means one entry's area; with a state,
    the area in the fewest states."""
    owner: dict[str, _Entry] = {}
    for e in entries:
        for name in e.names:
            key = fold(name)
            first = owner.setdefault(key.removeprefix("the "), e)  # "the Twin Ports" = "Twin Ports"
            if first.area != e.area:
                raise DataError(f"{e.where}: the name {name!r} is already {first.where}'s")
            tables.by_key.setdefault(key, e.area)
    by_state: dict[tuple[str, str], _Entry] = {}
    needs_state = {(st, fold(n)) for e in entries for n in e.state_names for st in e.area.states}
    for e in entries:
        for name in [*e.names, *e.state_names]:
            for st in e.area.states:
                at = (st, fold(name))
                if at in tables.by_state_key and at not in by_state:
                    continue  # a directory region's name
                first = by_state.setdefault(at, e)
                if first.area == e.area:
                    continue
                if len(e.area.states) == len(first.area.states):
                    raise DataError(f"{e.where}: {name!r} in {st} is already {first.where}'s")
                if len(e.area.states) < len(first.area.states):
                    by_state[at] = e
    for at, e in by_state.items():
        tables.by_state_key[at] = _as_reading(e.area) if at in needs_state else e.area


def cached_tables(gaz: Gazetteer, regions: Mapping[str, Region]) -> AreaTables:
    """The tables of the packaged files, from their snapshot when it is current (every CLI lookup
    needs them, and parsing the files costs ~100 ms); built, checked and stored when not."""
    paths = default_paths()
    store = snapshot.Store.open()
    if store is None:
        return load_tables(gaz, regions, paths)
    try:
        key = snapshot.digest(
            "areas",
            snapshot.FORMAT_VERSION,
            [snapshot.content_hash(p) for p in paths],
            sorted((r.id, r.name, r.state, r.source, sorted(r.counties)) for r in regions.values()),
            gaz.counties_version,
            snapshot.code_stamp([__name__, "fieldoffice.core.text", "fieldoffice.geo.names"]),
        )
    except (OSError, snapshot.SnapshotError):
        return load_tables(gaz, regions, paths)
    snap = store.get("areas", key)
    if snap is not None:
        try:
            found = pickle.loads(snap.arrays["pickle"].tobytes())
        except Exception:  # a snapshot from other code: built again
            found = None
        if isinstance(found, AreaTables):
            return found
    tables = load_tables(gaz, regions, paths)
    blob = pickle.dumps(tables, protocol=pickle.HIGHEST_PROTOCOL)
    store.put("areas", key, {"pickle": np.frombuffer(blob, dtype=np.uint8)})
    return tables


def _own_name(entry: Mapping[str, Any]) -> list[str]:
    """An area's name as a key, unless it is a metro's official title for one city in one state
    ("Reno, NV" is the city; "Dallas-Fort Worth-Arlington, TX", "Duluth, MN-WI" and "Greater
    Los Angeles" name no city, so they are keys)."""
    head, comma, tail = str(entry["name"]).partition(",")
    one_city = "-" not in head and "/" not in head and "-" not in tail
    if entry.get("kind") == "metro" and comma and one_city:
        return []
    return [entry["name"]]


def _read(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise DataError(f"cannot read areas file {path}: {exc}") from exc


def _put(tables: AreaTables, area: Area, names: Iterable[str]) -> None:
    for name in names:
        tables.by_key.setdefault(fold(name), area)
        for st in area.states:
            tables.by_state_key.setdefault((st, fold(name)), area)


def _resolve(gaz: Gazetteer, counties: object, state: str, where: str) -> tuple[tuple[str, ...], tuple[str, ...]]:  # fmt: skip
    """(FIPS codes, states) of a county list: a list in `state`, or a table of lists by state."""
    by_state = counties if isinstance(counties, dict) else {state: counties}
    fipses: list[str] = []
    for st, names in by_state.items():
        if gaz.state(st) is None:
            raise DataError(f"{where}: {st!r} is not a state")
        if not isinstance(names, list) or not names:
            raise DataError(f"{where}: the counties of {st!r} must be a non-empty list")
        for name in names:
            fips = gaz.county_names.resolve(st, name)
            if fips is None:
                raise DataError(f"{where}: {name!r} is not a county of {st!r}")
            fipses.append(fips)
    if len(set(fipses)) != len(fipses):
        raise DataError(f"{where}: a county is listed twice")
    states = (state, *sorted(set(by_state) - {state}))
    return tuple(sorted(fipses)), states


def _confidence(entry: Mapping[str, Any], where: str) -> str:
    if entry.get("confidence") not in CONFIDENCE_RANK:
        raise DataError(f"{where}: confidence must be one of {', '.join(CONFIDENCE_RANK)}")
    return str(entry["confidence"])


def _area(gaz: Gazetteer, regions: Mapping[str, Region], entry: Mapping[str, Any], where: str) -> Area:  # fmt: skip
    state = entry.get("state", "")
    kind = entry.get("kind", "area")
    if kind not in KINDS or ("source" not in entry and "region" not in entry):
        raise DataError(f"{where}: needs a source, and kind must be one of {', '.join(KINDS)}")
    if "region" in entry:
        region = regions.get(entry["region"])
        if region is None:
            raise DataError(f"{where}: unknown region {entry['region']!r}")
        # the region's own source, not the alias's; its claims carry its confidences
        return Area(entry["name"], state, tuple(sorted(region.counties)), region.source,
                    region.id, kind="directory")  # fmt: skip
    confidence = _confidence(entry, where)
    counties, states = _resolve(gaz, entry.get("counties"), state, where)
    return Area(entry["name"], state, counties, entry["source"], None, confidence, kind, states)


def _former(gaz: Gazetteer, entry: Mapping[str, Any], where: str) -> Area:
    """A retired county name: today's county or counties, and a source saying what became of it."""
    for key in ("name", "state", "years", "became", "change", "source"):
        if key not in entry:
            raise DataError(f"{where}: needs {key!r}")
    state = entry["state"]
    counties, states = _resolve(gaz, entry["became"], state, where)
    now = entry["became"]
    now_names = [n for names in now.values() for n in names] if isinstance(now, dict) else list(now)
    today = ", ".join(now_names)
    source = f"{entry['name']} {entry['change']}; today {today} ({entry['source']})"
    confidence = _confidence(dict(entry, confidence=entry.get("confidence", "high")), where)
    label = f"{entry['name']}, {state} ({entry['years']})"
    return Area(label, state, counties, source, None, confidence, "former", states)


# -- compass words with a state: one rule for the whole family ----------------------------------------
# folded word(s) -> the forms of that direction people write (the first is its name)
_DIRECTIONS: dict[str, tuple[str, ...]] = {
    "north": ("North", "Northern", "N"),
    "south": ("South", "Southern", "S"),
    "east": ("East", "Eastern", "E"),
    "west": ("West", "Western", "W"),
    "northeast": ("Northeast", "Northeastern", "North East", "NE", "North-East"),
    "northwest": ("Northwest", "Northwestern", "North West", "NW", "North-West"),
    "southeast": ("Southeast", "Southeastern", "South East", "SE", "South-East"),
    "southwest": ("Southwest", "Southwestern", "South West", "SW", "South-West"),
    "central": ("Central", "Mid", "Middle"),
    "north central": ("North Central", "North-Central"),
    "south central": ("South Central", "South-Central"),
    "east central": ("East Central", "East-Central"),
    "west central": ("West Central", "West-Central"),
    "upper": ("Upper",),
    "lower": ("Lower",),
}
COMPASS: dict[str, str] = {
    fold(form): direction for direction, forms in _DIRECTIONS.items() for form in forms
}


# the words people put around a region's name: "the Golden Crescent", "Texoma region", "Tahoe
# area", "Dallas metro area" (longest first)
_BEFORE = ("the ",)
_AFTER = (" metropolitan area", " metro area", " metro region", " region", " area", " metro")


def core(key: str) -> str:
    """A folded name without the words people put around it ("the trans pecos region" ->
    "trans pecos"); the name itself when it has none, or is nothing else."""
    out = key
    for word in _BEFORE:
        if out.startswith(word) and len(out) > len(word):
            out = out[len(word) :]
    for word in _AFTER:
        if out.endswith(word) and len(out) > len(word):
            return out[: -len(word)]
    return out


class AreaIndex:
    def __init__(self, gaz: Gazetteer, regions: Mapping[str, Region], path: Path | Sequence[Path] | None = None) -> None:  # fmt: skip
        self.gaz = gaz
        tables = load_tables(gaz, regions, path) if path else cached_tables(gaz, regions)
        self.by_key = tables.by_key
        self.by_state_key = tables.by_state_key
        self._compass = lru_cache(maxsize=1024)(self._compass_area)

    def match(self, text: str) -> Area | None:
        """The area the whole text names, with or without its state after it; else the same
        with the words people add to a region's name ("the Golden Crescent", "Trans-Pecos
        region", "Kansas City area": see `core`); else a compass word with a state ("Western
        NY")."""
        key = fold(text)
        found = self.by_key.get(key)
        if found is not None:
            return found
        readings = [(fold(rest), st.usps) for rest, st in self._with_state(text)]
        for rest, usps in readings:
            area = self.by_state_key.get((usps, rest))
            if area is not None:
                return area
        # the core is an area's own name ("Big Bend region"): that area, as the bare name is; else
        # the core of an area's name ("Winter Garden region"), unless a place has it
        if core(key) != key:
            found = self.by_key.get(core(key))
            cored = self._cores[0].get(core(key))
            if found is None and cored is not None and self._core_is_the_area(core(key), cored):
                found = cored
            if found is not None:
                return found
        for rest, usps in readings:
            if core(rest) != rest:
                found = self.by_state_key.get((usps, core(rest)))
                cored = self._cores[1].get((usps, core(rest)))
                if found is None and cored is not None and self._core_is_the_area(core(rest), cored, usps):  # fmt: skip
                    found = cored
                if found is not None:
                    return found
        return self.compass(text)

    def _core_is_the_area(self, key: str, area: Area, state: str | None = None) -> bool:
        """Whether a name's core ("winter garden" of "Winter Garden area") means the area and not
        a place: no place has that name (in `state`, if given), or the largest one lies in the
        area ("Kansas City area" is the metro; "Winter Garden area" is Florida's city's, not the
        Texas region's)."""
        places = [z for st in ([state] if state else self._states()) if (z := self.gaz.place_zips(st, key))]  # fmt: skip
        if not places:
            return True
        largest = max(places, key=len)
        return any(z.county_fips in area.counties for z in largest)

    @cached_property
    def _cores(self) -> tuple[dict[str, Area], dict[tuple[str, str], Area]]:
        """Every name by its core ("Bay Area" -> "bay", "Kansas City metro" -> "kansas city"),
        alone and with its state; a core two areas share means neither. Read only for a typed
        name that has such words itself, so "Bay" is never the Bay Area."""
        alone: dict[str, Area | None] = {}
        for key, area in self.by_key.items():
            c = core(key)
            if c != key:
                alone[c] = area if alone.get(c, area) == area else None
        with_state: dict[tuple[str, str], Area | None] = {}
        for (st, key), area in self.by_state_key.items():
            c = core(key)
            if c != key:
                with_state[st, c] = area if with_state.get((st, c), area) == area else None
        return ({k: a for k, a in alone.items() if a is not None},
                {k: a for k, a in with_state.items() if a is not None})  # fmt: skip

    def _with_state(self, text: str) -> list[tuple[str, State]]:
        """The readings of text as a name then its state: "X, ST", "X ST", "X New York"."""
        head, _, tail = text.rpartition(",")
        words = text.split()
        candidates = [(head, tail, True)] if head else []  # (after a comma: "Montrose, Tex")
        for n in (2, 1):  # "West Texas TX", "Long Island New York"
            if len(words) > n:
                candidates.append((" ".join(words[:-n]), " ".join(words[-n:]), False))
        out = []
        for rest, st_text, after_comma in candidates:
            st = self.gaz.state(st_text.strip(), abbreviated=after_comma)
            if st is not None and rest.strip():
                out.append((rest, st))
        return out

    def compass(self, text: str) -> Area | None:
        """A compass word and a state ("North Florida", "Western NY", "Central PA, PA"): the
        area a file defines under one of that direction's names, else the whole state. Never a
        state's own name ("West Virginia") nor a place's ("West New York", NJ)."""
        key = fold(text)
        if key.startswith("the "):
            key = key[4:]
        words = key.split()
        if len(words) < 2 or words[0] not in COMPASS or self.gaz.state(key) is not None:
            return None
        for n in (2, 1):
            direction = COMPASS.get(" ".join(words[:n]))
            if direction is None or len(words) <= n:
                continue
            rest = words[n:]
            for m in range(
                len(rest), 0, -1
            ):  # the state, then maybe its repetition: "Central PA PA"
                st = self.gaz.state(" ".join(rest[:m]))
                again = " ".join(rest[m:])
                if st is None or (again and self.gaz.state(again) != st):
                    continue
                if self._a_place_is_called(" ".join(words[: n + m])):
                    return None  # "West New York" is a town in New Jersey
                said = " ".join(words[:n])  # "W Va", "West Va": West Virginia's (state_names.py)
                if said in (direction, direction[:1]) and self.gaz.state(f"{direction} {st.name}"):
                    return None  # ("Western Virginia" is the region)
                return self._compass(direction, st.usps, " ".join(words[:n]))
        return None

    def _compass_area(self, direction: str, usps: str, typed: str) -> Area | None:
        st = self.gaz.state(usps)
        assert st is not None
        for form in _DIRECTIONS[direction]:
            area = self.by_state_key.get((usps, fold(f"{form} {st.name}")))
            if area is not None:
                return area
        counties = tuple(sorted(c.fips for c in self.gaz.state_counties(usps)))
        if not counties:
            return None
        forms = _DIRECTIONS[direction]
        word = next((f for f in forms if fold(f) == typed and len(f) > 2), forms[0])
        name = f"{word} {st.name}"
        source = (
            f"No county list defines {name}; it is a part of {st.name}, "
            f"so this answers for all of {st.name}"
        )
        return Area(name, usps, counties, source, None, "low", "compass")

    def _a_place_is_called(self, key: str) -> bool:
        """Whether a city or town somewhere has exactly this folded name ("west new york", NJ)."""
        return any(self.gaz.place_zips(st, key) for st in self._states())

    def _states(self) -> list[str]:
        return sorted({c.state for c in self.gaz.counties})
