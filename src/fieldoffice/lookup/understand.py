"""What a person typed -> the place it names (state, county, ZIP, city, coordinates or address)."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any, NamedTuple

from fieldoffice.core.errors import InvalidCoordinates, InvalidInput
from fieldoffice.core.text import fold
from fieldoffice.geo.boundaries import County
from fieldoffice.geo.gazetteer import Gazetteer, State, Zip
from fieldoffice.geo.index import check_coordinates
from fieldoffice.geo.placenames import PlaceNames
from fieldoffice.geo.places import GeoPlace
from fieldoffice.lookup.named_areas import Area
from fieldoffice.lookup.wording import EXPECTED_FORMS, MAX_QUERY

if TYPE_CHECKING:
    from fieldoffice.lookup.typos import TypoReader

__all__ = ["MAX_QUERY", "Named", "Place", "Reading", "Understander", "parse_coordinates"]

_NUM = r"[+-]?(?:\d+(?:\.\d*)?|\.\d+|nan|inf(?:inity)?)"
_COORDS = re.compile(rf"^\s*\(?\s*({_NUM})\s*(,|\s)\s*({_NUM})\s*\)?\s*$", re.IGNORECASE)
# A ZIP code is ASCII digits (as batch reads them); other digits ("٨٩٥٠١") are refused as
# digits that are not a ZIP code, in both doors.
_ZIP = re.compile(r"^\s*([0-9]{5})(?:[-\s]?([0-9]{4}))?\s*$")
_TRAILING_ZIP = re.compile(r"[\s,]+([0-9]{5})(?:-([0-9]{4}))?\s*$")
_DIGITS = re.compile(r"^\s*[\d\s-]+\s*$")
_IN_COUNTY = re.compile(r"^(.*?)\s*\((.+?)\)\s*$")  # "Woodlawn (Fairfax County)"
_STREET_PARTS = ("AddressNumber", "StreetName", "USPSBoxID", "IntersectionSeparator")
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


class Named(NamedTuple):
    """One of the places a name without a state may mean: its name, state, counties, and size
    (its population; the ZIP codes that have it as their main city name, or a county's)."""

    name: str
    state: str
    counties: Sequence[str]
    zip_codes: int
    population: int = 0  # 0 where unknown (a county, a postal name)
    place: Place | None = None  # the place itself, where it is one


@dataclass(frozen=True)
class Reading:
    """What a query that names no place as it stands may mean: the places of a name without its
    state (largest first, `named`) with the largest as a Place (`top`); or, `read_as`, the one
    place a misspelling is read as (`top`)."""

    named: list[Named]
    top: Place | None
    read_as: bool = False


_COORD_HINT = (
    "write coordinates latitude first, as 'lat, lon' in decimal degrees ('39.53, -119.81'), "
    "with hemisphere letters ('39.53 N, 119.81 W'), in degrees and minutes "
    "(\"39°31.8' N, 119°48.6' W\") or in degrees, minutes and seconds "
    "('39°31′48″ N, 119°48′36″ W')"
)
# Typographic degree signs, primes and quotes -> the ASCII marks the tokenizer reads.
_MARKS = str.maketrans(
    {
        "º": "°", "˚": "°", "⁰": "°",
        "′": "'", "’": "'", "‘": "'", "´": "'", "`": "'", "ʹ": "'",
        "″": '"', "”": '"', "“": '"', "ʺ": '"',
    }
)  # fmt: skip
_HEMI_WORDS = {"n": "N", "s": "S", "e": "E", "w": "W",
               "north": "N", "south": "S", "east": "E", "west": "W"}  # fmt: skip
_WORD = re.compile(r"[^\W\d_]+")
_TOKEN = re.compile(
    r"""\s*(?:
        (?P<num>[+-]?\s*(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+))\s*(?P<mark>°|''|'|")?
      | (?P<hemi>[^\W\d_]+)
      | (?P<sep>[,;])
    )\s*""",
    re.VERBOSE,
)
_PRIMED = re.compile(r"[0-9]\s*['\"]\s*[0-9]")  # 40'42": minutes and seconds, no degree sign
_UNIT_NAMES = ("degrees", "minutes", "seconds")


@dataclass
class _Part:
    """One coordinate as written: an optional hemisphere letter before or after, and up to three
    numbers (degrees, minutes, seconds)."""

    text: list[str] = field(default_factory=list)
    pre: str | None = None
    post: str | None = None
    values: list[tuple[str, int]] = field(default_factory=list)  # (number as written, unit)

    @property
    def hemi(self) -> str | None:
        return self.pre or self.post

    def shown(self) -> str:
        return " ".join(self.text)


def _bad(message: str) -> InvalidCoordinates:
    return InvalidCoordinates(message, hint=_COORD_HINT)


def _looks_like_coordinates(text: str) -> bool:
    """Digits with a degree sign, or with a prime or hemisphere letters and no other words."""
    if not any("0" <= ch <= "9" for ch in text):
        return False
    if "°" in text:
        return True
    words = _WORD.findall(text)
    if any(w.lower() not in _HEMI_WORDS for w in words):
        return False
    return bool(words) or _PRIMED.search(text) is not None


def _parts(text: str) -> list[_Part]:
    """The text read as coordinates, split into its parts (InvalidCoordinates if it cannot be)."""
    body = text.strip()
    if body.startswith("(") and body.endswith(")"):
        body = body[1:-1]
    pos, groups, seps = 0, [[_Part()]], 0
    while pos < len(body):
        m = _TOKEN.match(body, pos)
        if not m or m.end() == pos:
            raise _bad(f"{body[pos:].strip()[:20]!r} cannot be part of coordinates")
        pos = m.end()
        parts = groups[-1]
        cur = parts[-1]
        if m.group("sep"):
            seps += 1
            groups.append([_Part()])
            continue
        if m.group("hemi"):
            word = m.group("hemi")
            letter = _HEMI_WORDS.get(word.lower())
            if letter is None:
                raise _bad(f"{word!r} is not a hemisphere letter (N, S, E or W)")
            if not cur.values and cur.pre is None:
                cur.pre = letter
            elif cur.values and cur.pre is None and cur.post is None:
                cur.post = letter
            elif cur.values:
                parts.append(_Part(pre=letter))
                cur = parts[-1]
            else:
                raise _bad(f"two hemisphere letters in a row ({cur.pre} {letter})")
            cur.text.append(word)
            continue
        num, mark = m.group("num").replace(" ", ""), m.group("mark")
        if mark is None:
            unit = cur.values[-1][1] + 1 if cur.values else 0
        else:
            unit = {"°": 0, "'": 1, '"': 2, "''": 2}[mark]
        if cur.values and (cur.post is not None or unit <= cur.values[-1][1] or num[0] in "+-"):
            # a new coordinate: after a closing letter, a sign, or degrees again ("40° 74°")
            parts.append(_Part())
            cur = parts[-1]
            if mark is None:
                unit = 0
        if unit > 2:
            raise _bad(f"{cur.shown()} {num} has more than degrees, minutes and seconds")
        cur.values.append((num, unit))
        cur.text.append(num + (mark or ""))
    if seps > 1:
        raise _bad(f"{text.strip()!r} has {seps + 1} parts; coordinates are two, lat and lon")
    if seps == 1:
        for g in groups:
            if len(g) != 1 or not g[0].values:
                what = " and ".join(p.shown() or "nothing" for p in g)
                raise _bad(f"one coordinate was expected on each side of the comma, got {what}")
        return [groups[0][0], groups[1][0]]
    parts = [p for p in groups[0] if p.values or p.hemi]
    if len(parts) != 2 or not all(p.values for p in parts):
        raise _bad(f"{text.strip()!r} is not two coordinates (latitude and longitude)")
    return parts


def _degrees(part: _Part) -> float:
    """The part's value in degrees, signed by its letter; InvalidCoordinates says what is wrong."""
    shown = part.shown()
    values = part.values
    for num, _ in values[1:]:
        if num[0] in "+-":
            raise _bad(f"in {shown!r}, only the degrees may have a sign")
    for num, unit in values[:-1]:
        if "." in num:
            raise _bad(
                f"in {shown!r}, the {_UNIT_NAMES[unit]} have a decimal part but are followed by "
                f"{_UNIT_NAMES[unit + 1]}; only the last number may have one"
            )
    if any(unit != i for i, (_, unit) in enumerate(values)):
        missing = _UNIT_NAMES[next(i for i, (_, u) in enumerate(values) if u != i)]
        raise _bad(f"in {shown!r}, the {missing} are missing")
    nums = [float(num) for num, _ in values]
    for x, unit in zip(nums[1:], (1, 2), strict=False):
        if x >= 60:
            raise _bad(f"in {shown!r}, {x:g} {_UNIT_NAMES[unit]} is not less than 60")
    sign = -1.0 if values[0][0].startswith("-") else 1.0
    value = abs(nums[0]) + sum(x / d for x, d in zip(nums[1:], (60.0, 3600.0), strict=False))
    hemi = part.hemi
    if hemi is not None:
        if sign < 0:
            raise _bad(
                f"{shown!r} has both a minus sign and the letter {hemi}; the letter gives the "
                "sign (S and W are negative), so write one or the other"
            )
        if part.pre is not None and part.post is not None:
            raise _bad(f"{shown!r} has two hemisphere letters")
        limit = 90 if hemi in "NS" else 180
        if value > limit:
            axis = "latitude" if hemi in "NS" else "longitude"
            raise _bad(f"{axis} {value:g}° {hemi} is beyond {limit}°")
        return -value if hemi in "SW" else value
    return sign * value


def _parse_notation(text: str) -> tuple[float, float]:
    first, second = _parts(text)
    a, b = _degrees(first), _degrees(second)
    h1, h2 = first.hemi, second.hemi
    if (h1 is None) != (h2 is None):
        raise _bad(
            f"only one of {first.shown()!r} and {second.shown()!r} has a hemisphere letter; "
            "give both (N or S, and E or W) or neither"
        )
    if h1 is not None and h2 is not None:
        if (h1 in "NS") == (h2 in "NS"):
            axis = "latitude (N/S)" if h1 in "NS" else "longitude (E/W)"
            raise _bad(f"both {first.shown()!r} and {second.shown()!r} are a {axis}")
        if h1 in "EW":  # the letters give the order: "74 W, 40 N" is (40, -74)
            a, b = b, a
    try:
        check_coordinates(a, b)
    except InvalidCoordinates as exc:
        raise _bad(exc.message) from exc
    return a, b


def parse_coordinates(text: str) -> tuple[float, float] | None:
    """(lat, lon) if the text is coordinates, None if it is not; InvalidCoordinates if it looks
    like coordinates but is malformed or out of range.

    Read: 'lat, lon' in decimal degrees (latitude first; a space instead of the comma when a number
    has a decimal point, as "12345 6789" is a ZIP+4); hemisphere letters before or after each
    number, which give the sign (S, W negative) and the order (N/S is latitude wherever it is);
    degrees, minutes and seconds or degrees and decimal minutes, with ° ' " or typographic primes
    (′ ″ ’ ”) or by position ('40 42 46 N'). Without letters the order is never guessed."""
    norm = text.translate(_MARKS)
    if _looks_like_coordinates(norm):
        return _parse_notation(norm)
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
        raise InvalidCoordinates(exc.message, hint=_COORD_HINT) from exc
    return lat, lon


class Understander:
    def __init__(self, gaz: Gazetteer) -> None:
        self.gaz = gaz

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
        """A place in a state: a populated place of that name (the largest, with the others of
        the name in `detail["same_name"]`), "Woodlawn (Fairfax County)" for one of several, else
        a postal city name (its ZIP codes), else a county's name without its kind word."""
        m = _IN_COUNTY.match(rest)
        if m:
            fips = self.gaz.county_names.resolve(st.usps, m.group(2))
            found = [
                p for p in self.gaz.geoplaces.named(st.usps, m.group(1)) if p.county_fips == fips
            ]
            return self.geo_place(found[0], []) if found else None
        found = self.gaz.geoplaces.named(st.usps, rest)
        if found:
            return self.geo_place(found[0], found[1:])
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

    def geo_place(self, p: GeoPlace, same_name: Sequence[GeoPlace]) -> Place:
        """A populated place: at its own point, in the county that point is in."""
        detail: dict[str, Any] = {"population": p.population, "geoplace": p.row}
        if same_name:
            detail["same_name"] = list(same_name)
        return Place("place", f"{p.name}, {p.state}", p.state, [p.county_fips], p.lat, p.lon,
                     detail)  # fmt: skip

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
        if not any(k in tagged for k in _STREET_PARTS):
            return None  # a name and a state, no street: not an address, never read as another
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

    # -- names without a state, and misspelt ones ------------------------------------------------
    @cached_property
    def placenames(self) -> PlaceNames:
        return PlaceNames(self.gaz)

    def without_state(
        self,
        text: str,
        county_names: Mapping[str, Sequence[tuple[County, int]]],
        typos: TypoReader,
    ) -> Reading | None:
        """A query that names no place as it stands: a place name without its state ('Houston'),
        a county's ('Fresno County'; county_names: every county by its folded name, most ZIP codes
        first), or a misspelt place in the state given ('San Fransisco, CA'); None if neither."""
        named, top = self.places_named(text)
        if not named:
            named, top = self.counties_named(county_names.get(fold(text), []))
        if named:
            return Reading(named, top)
        place = self.misspelt(text, typos)
        return Reading([], place, read_as=True) if place is not None else None

    def places_named(self, text: str) -> tuple[list[Named], Place | None]:
        """'Houston': every state's place of that name (up to 12, largest first), and the largest
        as a Place; nothing if no place has the name."""
        places = []
        for c in self.placenames.candidates(text)[:12]:
            state = self.gaz.state_by_usps.get(c.state)  # military "states" (AE, AP) have none
            if c.row >= 0:
                place: Place | None = self.geo_place(self.gaz.geoplaces.at(c.row), [])
            else:
                place = self.city(c.name, state) if state is not None else None
            if place is not None:
                places.append((c, place))
        named = [Named(c.name, c.state, p.counties, c.zip_codes, c.population, p)
                 for c, p in places]  # fmt: skip
        return named, places[0][1] if places else None

    def counties_named(
        self, found: Sequence[tuple[County, int]]
    ) -> tuple[list[Named], Place | None]:
        """'Fresno County': the counties of that name (with their ZIP codes, most first), and the
        first as a Place."""
        if not found:
            return [], None
        top = found[0][0]
        named = [Named(c.name, c.state, [c.fips], n) for c, n in found]
        return named, self.understand(f"{top.name}, {top.state}")

    def misspelt(self, text: str, typos: TypoReader) -> Place | None:
        """'San Fransisco, CA': the one clearly close place name in the state given."""
        split = self.split_state(text)
        if split is None:
            return None
        rest, state = split
        name = typos.read_as(rest, state.usps)
        return self.city(name, state) if name else None

    def area(self, area: Area) -> Place:
        """A named area as a place: its counties, at the middle of their points."""
        pts = [self.gaz.county_point(f) for f in area.counties]
        lat = sum(p[0] for p in pts) / len(pts)
        lon = sum(p[1] for p in pts) / len(pts)
        return Place("area", area.name, area.state, list(area.counties), lat, lon)
