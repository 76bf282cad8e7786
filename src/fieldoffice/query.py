"""What a person typed -> the place it names (state, county, ZIP, city, coordinates or address)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from fieldoffice.errors import InvalidCoordinates, InvalidInput
from fieldoffice.geo.gazetteer import Gazetteer, State, Zip
from fieldoffice.geo.index import check_coordinates
from fieldoffice.text import fold
from fieldoffice.wording import EXPECTED_FORMS

MAX_QUERY = 300

_NUM = r"[+-]?(?:\d+(?:\.\d*)?|\.\d+|nan|inf(?:inity)?)"
_COORDS = re.compile(rf"^\s*\(?\s*({_NUM})\s*(,|\s)\s*({_NUM})\s*\)?\s*$", re.IGNORECASE)
# A ZIP code is ASCII digits (as batch reads them); other digits ("٨٩٥٠١") are refused as
# digits that are not a ZIP code, in both doors.
_ZIP = re.compile(r"^\s*([0-9]{5})(?:[-\s]?([0-9]{4}))?\s*$")
_TRAILING_ZIP = re.compile(r"[\s,]+([0-9]{5})(?:-([0-9]{4}))?\s*$")
_DIGITS = re.compile(r"^\s*[\d\s-]+\s*$")
_COUNTY_WORDS = (
    "county", "parish", "borough", "census area", "city and borough", "municipality",
    "municipio", "city", "planning region",
)  # fmt: skip


@dataclass
class Place:
    """A place understood from a query: what kind, its name, and the counties it lies in."""

    kind: str  # state | county | zip | place | point | address
    name: str
    state: str | None
    counties: list[str]
    lat: float | None = None
    lon: float | None = None
    detail: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {
            "kind": self.kind,
            "name": self.name,
            "state": self.state,
            "lat": None if self.lat is None else round(self.lat, 5),
            "lon": None if self.lon is None else round(self.lon, 5),
        }
        d.update(self.detail)
        return d


def parse_coordinates(text: str) -> tuple[float, float] | None:
    """(lat, lon) if the text is two numbers, else None. Raises InvalidCoordinates if out of range."""
    m = _COORDS.match(text)
    if not m:
        return None
    a, sep, b = m.groups()
    if sep.isspace() and "." not in a + b:
        return None  # "12345 6789" is a ZIP+4, not coordinates
    lat, lon = float(a), float(b)
    try:
        check_coordinates(lat, lon)
    except InvalidCoordinates as exc:
        raise InvalidCoordinates(
            exc.message,
            hint="write coordinates as 'lat, lon' in decimal degrees, "
            "latitude first, e.g. '39.53, -119.81'",
        ) from exc
    return lat, lon


class Understander:
    def __init__(self, gaz: Gazetteer) -> None:
        self.gaz = gaz
        self._choices: list[str] | None = None

    def understand(self, text: str) -> Place | None:
        """The place the text names, None if nothing matches; InvalidInput if it cannot be one."""
        q = text.strip()
        if not q:
            raise InvalidInput("the query is empty", hint=f"type {EXPECTED_FORMS}")
        if len(q) > MAX_QUERY:
            raise InvalidInput(
                f"the query is {len(q)} characters long; the limit is {MAX_QUERY}",
                hint="type one place at a time",
            )
        coords = parse_coordinates(q)
        if coords is not None:
            return self.point(*coords)
        m = _ZIP.match(q)
        if m:
            return self.zip_code(m.group(1), m.group(2))
        if _DIGITS.match(q):
            raise InvalidInput(
                f"{q!r} is not a ZIP code",
                hint="a ZIP code has 5 digits, or 5+4 as ZIP+4 ('89501-1234')",
            )
        state = self.gaz.state(q)
        if state is not None:
            return self.state(state)
        m = _TRAILING_ZIP.search(q)
        if m and any(ch.isalpha() for ch in q[: m.start()]):
            place = self.zip_code(m.group(1), m.group(2))
            if place is not None:
                place.kind, place.detail["address"] = "address", q
            return place
        split = self.split_state(q)
        if split is not None:
            rest, st = split
            found = self.county(rest, st) or self.city(rest, st)
            if found is not None:
                return found
        return self.address(q)

    def understand_or_none(self, text: str) -> Place | None:
        try:
            return self.understand(text)
        except InvalidInput:
            return None

    # -- kinds ------------------------------------------------------------------------------------
    def point(self, lat: float, lon: float) -> Place:
        return Place("point", f"{lat:.5f}, {lon:.5f}", None, [], lat, lon)

    def zip_code(self, zip5: str, plus4: str | None) -> Place | None:
        z: Zip | None = self.gaz.zips.get(zip5)
        if z is None:
            return None
        label = f"{zip5}-{plus4}" if plus4 else zip5
        detail = {
            "zip": zip5,
            "city": z.city.title() if z.city.isupper() else z.city,
            "zip_type": z.type,
        }
        counties = [z.county_fips] if z.county_fips else []
        return Place("zip", label, z.state, counties, z.lat, z.lon, detail)

    def state(self, s: State) -> Place:
        counties = [c.fips for c in self.gaz.state_counties(s.usps)]
        lat = lon = None
        if counties:
            pts = [self.gaz.county_point(f) for f in counties]
            lat = sum(p[0] for p in pts) / len(pts)
            lon = sum(p[1] for p in pts) / len(pts)
        return Place("state", s.name, s.usps, counties, lat, lon)

    def county(self, rest: str, st: State) -> Place | None:
        folded = fold(rest)
        if not any(folded.endswith(" " + w) or folded == w for w in _COUNTY_WORDS):
            return None
        if folded.startswith("the "):  # "the Bronx"
            folded, rest = folded[4:], rest.strip()[4:]
        fips = self.gaz.county_names.resolve(st.usps, rest)
        if fips is None:
            # The kind word may differ from the legal one ("Anchorage Borough" is a Municipality)
            word = next(w for w in _COUNTY_WORDS if folded.endswith(" " + w) or folded == w)
            bare = folded[: -len(word)].strip()
            fips = self.gaz.county_names.resolve(st.usps, bare) if bare and word != "city" else None
        if fips is None:
            return None
        c = self.gaz.county_by_fips[fips]
        lat, lon = self.gaz.county_point(fips)
        return Place("county", c.label, st.usps, [fips], lat, lon)

    def city(self, rest: str, st: State) -> Place | None:
        zips = self.gaz.place_zips(st.usps, rest)
        if not zips:
            fips = self.gaz.county_names.resolve(st.usps, rest)  # "Washoe, NV"
            if fips is not None:
                c = self.gaz.county_by_fips[fips]
                clat, clon = self.gaz.county_point(fips)
                return Place("county", c.label, st.usps, [fips], clat, clon)
            return None
        counties = sorted({z.county_fips for z in zips if z.county_fips})
        pts = [(z.lat, z.lon) for z in zips if z.lat is not None and z.lon is not None]
        lat = sum(p[0] for p in pts) / len(pts) if pts else None
        lon = sum(p[1] for p in pts) / len(pts) if pts else None
        name = self.gaz.place_names[(st.usps, fold(rest))]
        return Place(
            "place",
            f"{name}, {st.usps}",
            st.usps,
            counties,
            lat,
            lon,
            {"zips": sorted(z.zip for z in zips)},
        )

    def address(self, q: str) -> Place | None:
        import usaddress  # only addresses need it; imported when one is asked about

        try:
            tagged, _ = usaddress.tag(q)
        except usaddress.RepeatedLabelError:
            return None
        if tagged.get("ZipCode"):
            m = _ZIP.match(tagged["ZipCode"])
            if m:
                place = self.zip_code(m.group(1), m.group(2))
                if place is not None:
                    place.kind, place.detail["address"] = "address", q
                return place
        city, state_text = tagged.get("PlaceName"), tagged.get("StateName")
        if city and state_text:
            st = self.gaz.state(state_text)
            if st is not None:
                place = self.city(city, st)
                if place is not None:
                    place.kind, place.detail["address"] = "address", q
                return place
        return None

    # -- helpers ----------------------------------------------------------------------------------
    def split_state(self, q: str) -> tuple[str, State] | None:
        """'Reno, NV' / 'Reno NV' / 'Santa Fe, New Mexico' -> ('Reno', <NV>)."""
        if "," in q:
            head, _, tail = q.rpartition(",")
            st = self.gaz.state(tail)
            if st is not None and head.strip():
                return head.strip(), st
        words = q.replace(",", " ").split()
        for n in (3, 2, 1):
            if len(words) > n:
                st = self.gaz.state(" ".join(words[-n:]))
                if st is not None:
                    return " ".join(words[:-n]), st
        return None

    def suggestions(self, q: str, limit: int = 5) -> list[str]:
        choices = self.choices()
        split = self.split_state(q)
        pool = choices
        if split is not None:
            suffix = ", " + split[1].usps
            pool = [c for c in choices if c.endswith(suffix)] or choices
        from rapidfuzz import fuzz, process  # only misses need it

        hits = process.extract(
            q, pool, scorer=fuzz.WRatio, processor=fold, limit=limit, score_cutoff=60
        )
        return [h[0] for h in hits]

    def choices(self) -> list[str]:
        if self._choices is None:
            names = {s.name for s in self.gaz.states}
            names |= {c.label for c in self.gaz.counties}
            names |= {f"{name}, {st}" for (st, _), name in self.gaz.place_names.items()}
            self._choices = sorted(names)
        return self._choices
