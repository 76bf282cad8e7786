"""What a person typed -> the place it names (state, county, ZIP, city, coordinates or address)."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol

from fieldoffice.core.errors import InvalidInput
from fieldoffice.core.text import ZIP4_DASH, ZIP4_SEPARATOR, fold, unread
from fieldoffice.geo.boundaries import County
from fieldoffice.geo.gazetteer import Gazetteer, State, Zip
from fieldoffice.geo.placenames import PlaceNames
from fieldoffice.geo.places import GeoPlace
from fieldoffice.lookup.coordinates import parse_coordinates
from fieldoffice.lookup.named_areas import Area, AreaIndex
from fieldoffice.lookup.wording import EXPECTED_FORMS, MAX_QUERY

if TYPE_CHECKING:
    from fieldoffice.lookup.typos import TypoReader

__all__ = ["MAX_QUERY", "Lexicon", "Named", "Place", "Query", "Reading", "Understander"]

# A ZIP code is ASCII digits (as batch reads them); other digits ("٨٩٥٠١") are refused as
# digits that are not a ZIP code, in both doors.
_ZIP = re.compile(rf"^\s*([0-9]{{5}})(?:[{ZIP4_SEPARATOR}]?([0-9]{{4}}))?\s*$")
_TRAILING_ZIP = re.compile(rf"[\s,]+([0-9]{{5}})(?:[{ZIP4_DASH}]([0-9]{{4}}))?\s*$")
_DIGITS = re.compile(rf"^\s*(?=[^\d]*\d)[\d\s{ZIP4_DASH}]+\s*$")  # (a digit: "..." is no ZIP)
_IN_COUNTY = re.compile(r"^(.*?)\s*\((.+?)\)\s*$")  # "Woodlawn (Fairfax County)"
# a place's legal name ("City of Oxnard", "Town of Hempstead"): the place of the name after it
_LEGAL_NAME = re.compile(r"^(?:the\s+)?(?:city|town|village|borough|township)\s+of\s+(.+)$", re.I)
# ... or the kind after it, where that is a municipality's ("Woodbridge Township"); never "Village"
# or "Town", which end neighbourhoods' names ("Greenwich Village", "Stuyvesant Town")
_KIND_AFTER = re.compile(r"^(.+?)\s+(?:charter\s+)?(?:township|twp\.?|borough)$", re.I)
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


class Query(NamedTuple):
    """A query as the understander read it, once, for the locator to hand on: the text as typed,
    the place it names as it stands, the state it ends with (`split`: the name before it, and the
    state), the named area it names (`area`, and `area_place`, the area as a place, with whether
    the place is named as the area's words or as typed before its state: see
    named_as), and what else it may mean (`elsewhere`: the places of a name without
    its state or a misspelt one, of a state's name, or of a former county's)."""

    text: str
    place: Place | None
    split: tuple[str, State] | None = None
    area: Area | None = None
    area_place: Place | None = None
    elsewhere: Reading | None = None
    named_as_area: bool = False
    named_as_typed: bool = False


# A place this large is what its name means before any county of the name ("Richmond" is not
# Staten Island's county; "Hennepin" is the county, not a village of 750), and what a state's
# name ("Washington", "New York") also offers.
MAJOR_PLACE = 50_000


class CountyName(NamedTuple):
    """A county a name without its state may mean: with its ZIP codes, and the people of its
    populated places (a lower bound of its population, what ranks it against places)."""

    county: County
    zip_codes: int
    people: int


class Lexicon(Protocol):
    """The indexes a reading consults besides the gazetteer, each built when first asked for (a
    ZIP code's query never builds them)."""

    @property
    def areas(self) -> AreaIndex: ...

    @property
    def county_names(self) -> Mapping[str, Sequence[CountyName]]: ...

    @property
    def typos(self) -> TypoReader: ...


class Understander:
    def __init__(self, gaz: Gazetteer) -> None:
        self.gaz = gaz

    def read_query(self, text: str, lexicon: Lexicon) -> Query:
        """Everything the text may name (see Query), read once; InvalidInput if it cannot be a
        place. Only what may answer is read: no named area for a ZIP code or a point, no name
        without its state for a query that names a place or an area (a former county's name
        aside)."""
        place, split = self.as_it_stands(text)
        if place is not None and place.kind in ("zip", "point"):
            return Query(text, place)  # read by its digits: no name to look up
        key = fold(text)  # the one fold: every name below is looked up by this key
        if place is not None and place.kind == "state":  # "Washington": DC is offered too
            named = Reading(*self.places_of(key)) if len(key) > 2 else None
            return Query(text, place, elsewhere=named)
        if len(text) > MAX_QUERY:  # padded past the limit: taken as it stands
            return Query(text, place, split)
        # a named area ("West Texas") may be meant before a city of the same words ("West, TX")
        area = lexicon.areas.match(text)
        within = place.detail.get("within") if place is not None else None
        if area is None and place is not None and within is not None:  # "Bed-Stuy, Brooklyn, NY"
            inner = lexicon.areas.match(f"{within['part']}, {place.state}")
            if inner is not None and set(inner.counties) <= set(place.counties):
                area, place = inner, None  # the neighbourhood, not a place of its name
        elsewhere = None
        # a name that names nothing as it stands may be a place's without its state; a former
        # county's name ("Dade County") still names the counties called so today
        if (area is None and place is None) or (area is not None and area.kind == "former"):
            elsewhere = self.without_state(key, split, lexicon.county_names, lexicon.typos)
        elif area is not None and place is None and split is None:  # "Manhattan": and Kansas's
            major = [n for n in self.places_of(key)[0] if n.population >= MAJOR_PLACE]
            elsewhere = Reading(major, None) if major else None
        if area is None:
            return Query(text, place, split, elsewhere=elsewhere)
        as_area, as_typed = named_as(text, place, area)
        return Query(text, place, split, area, self.area(area), elsewhere, as_area, as_typed)

    def understand(self, text: str) -> Place | None:
        """The place the text names, None if nothing matches; InvalidInput if it cannot be one."""
        return self.as_it_stands(text)[0]

    def as_it_stands(self, text: str) -> tuple[Place | None, tuple[str, State] | None]:
        """The place the text names as it stands (see understand), and the state it ends with
        (not read, None, for coordinates, a ZIP code or a state's name)."""
        q = text.strip()
        if not q:
            raise InvalidInput("the query is empty", hint=f"type {EXPECTED_FORMS}")
        if len(q) > MAX_QUERY:
            raise InvalidInput(
                f"the query is {len(q)} characters long; the limit is {MAX_QUERY}",
                hint="type one place at a time",
            )
        m = _ZIP.match(q)  # never coordinates ("12345 6789" is a ZIP+4): the cheaper test first
        if m:
            return self.zip_code(m.group(1), m.group(2)), None
        coords = parse_coordinates(q)
        if coords is not None:
            return self.point(*coords), None
        if _DIGITS.match(q):
            raise InvalidInput(
                f"{q!r} is not a ZIP code",
                hint="a ZIP code has 5 digits, or 5+4 as ZIP+4 ('89501-1234')",
            )
        state = self.gaz.state(q)
        if state is not None and unread(q):  # "Лас-Вегас, NV": never the state alone
            raise InvalidInput(
                f"{q!r} has characters the data cannot read: {unread(q)}",
                hint="type the place's name in Latin letters, as 'Las Vegas, NV'",
            )
        if state is not None:
            return self.state(state), None
        split = self.split_state(q)
        m = _TRAILING_ZIP.search(q)
        if m and any(ch.isalpha() for ch in q[: m.start()]):
            place = self.zip_code(m.group(1), m.group(2))
            if place is not None:
                place.kind, place.detail["address"] = "address", q
                with_town(self.gaz, place, self.split_state(q[: m.start()]))
            return place, split
        if split is not None:
            rest, st = split
            key = fold(rest)
            found = self.county(rest, key, st) or self.city(rest, key, st)
            if found is not None:
                return found, split
            return self.address(q) or within(self, rest, st), split
        return self.address(q), split

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

    def county(self, rest: str, key: str, st: State) -> Place | None:
        """A county named with its kind word ("Washoe County"); key: rest folded."""
        folded = key
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
        return self.county_place(fips)

    def city(self, rest: str, key: str, st: State) -> Place | None:
        """A place in a state (key: rest folded): a populated place of that name (the largest,
        with the others of the name in `detail["same_name"]`), "Woodlawn (Fairfax County)" for
        one of several, else a postal city name (its ZIP codes), else a county's name without its
        kind word."""
        m = _IN_COUNTY.match(rest)  # not a county: the whole name ("Alton North (historical)")
        fips = self.gaz.county_names.resolve(st.usps, m.group(2)) if m else None
        if m and fips is not None:
            named = self.gaz.geoplaces.named(st.usps, fold(m.group(1)))
            found = [p for p in named if p.county_fips == fips]
            if found:
                return self.geo_place(found[0], [])
            return self.county_place(fips)  # a place too small to know: the county named decides
        found = self.gaz.geoplaces.named(st.usps, key)
        if found:
            return self.geo_place(found[0], found[1:])
        zips = self.gaz.place_zips(st.usps, key)
        cut = "" if zips else cut_short(rest)  # the name the USPS cut ("... Indian Reservat")
        if cut:
            key, zips = cut, self.gaz.place_zips(st.usps, cut)
        if not zips:
            fips = self.gaz.county_names.resolve(st.usps, rest)  # "Washoe, NV"
            if fips is not None:
                return self.county_place(fips)
            legal = _LEGAL_NAME.match(rest) or _KIND_AFTER.match(rest)  # "Woodbridge Township"
            return self.city(legal.group(1), fold(legal.group(1)), st) if legal else None
        counties = sorted({z.county_fips for z in zips if z.county_fips})
        pts = [(z.lat, z.lon) for z in zips if z.lat is not None and z.lon is not None]
        lat = sum(p[0] for p in pts) / len(pts) if pts else None
        lon = sum(p[1] for p in pts) / len(pts) if pts else None
        name = self.gaz.place_names[(st.usps, key)]
        return Place(
            "place",
            f"{name}, {st.usps}",
            st.usps,
            counties,
            lat,
            lon,
            {"zips": sorted(z.zip for z in zips)},
        )

    def county_place(self, fips: str) -> Place:
        """A county, at its point."""
        c = self.gaz.county_by_fips[fips]
        lat, lon = self.gaz.county_point(fips)
        return Place("county", c.label, c.state, [fips], lat, lon)

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
                    st = self.gaz.state(tagged.get("StateName") or "")
                    if tagged.get("PlaceName") and st is not None:
                        with_town(self.gaz, place, (tagged["PlaceName"], st))
                return place
        city, state_text = tagged.get("PlaceName"), tagged.get("StateName")
        if not any(k in tagged for k in _STREET_PARTS):
            return None  # a name and a state, no street: not an address, never read as another
        if city and state_text:
            st = self.gaz.state(state_text)
            if st is not None:
                place = self.city(city, fold(city), st)
                if place is not None:
                    place.kind, place.detail["address"] = "address", q
                return place
        return None

    # -- helpers ----------------------------------------------------------------------------------
    def split_state(self, q: str) -> tuple[str, State] | None:
        """'Reno, NV' / 'Reno NV' / 'Santa Fe, New Mexico' -> ('Reno', <NV>)."""
        if "," in q:
            head, _, tail = q.rpartition(",")
            st = self.gaz.state(tail, abbreviated=True)
            if st is not None and head.strip():
                return head.strip(), st
        words = q.replace(",", " ").split()
        for n in (3, 2, 1):
            if len(words) > n:
                st = self.gaz.state(" ".join(words[-n:]))
                if st is not None:  # (its commas kept: "Dumbo, Brooklyn NY" names a part)
                    return re.sub(rf"(?:[\s,]+[^\s,]+){{{n}}}[\s,]*$", "", f" {q}").strip(" ,"), st
        return None

    # -- names without a state, and misspelt ones ------------------------------------------------
    @cached_property
    def placenames(self) -> PlaceNames:
        return PlaceNames(self.gaz)

    def without_state(
        self,
        key: str,
        split: tuple[str, State] | None,
        county_names: Mapping[str, Sequence[CountyName]],
        typos: TypoReader,
    ) -> Reading | None:
        """A query (key: folded; split: the state it ends with) that names no place as it stands:
        a place name without its state ('Houston'), a county's ('Fresno County', 'Hennepin';
        county_names: every county by its folded names), ranked together by population, or a
        misspelt place in the state given ('San Fransisco, CA'); None if neither."""
        legal = _LEGAL_NAME.match(key) if split is None else None  # with a state: city()
        named, top = self.places_of(key)
        if not named and legal:  # "City of Oxnard"
            named, top = self.places_of(legal.group(1))
        counties = [county_named(c) for c in county_names.get(key, [])
                    if not is_city_of(c.county, named)]  # fmt: skip
        if counties and any(n.population >= MAJOR_PLACE for n in named):
            named = named + counties  # offered, after the places
        elif counties:  # ranked with the places by people: stable, places first
            named = sorted(named + counties, key=lambda n: -n.population)
            top = named[0].place or self.understand(f"{named[0].name}, {named[0].state}")
        if named:
            return Reading(named, top)
        place = self.misspelt(split, typos) if split is not None else None
        return Reading([], place, read_as=True) if place is not None else None

    def places_named(self, text: str) -> tuple[list[Named], Place | None]:
        """places_of the text as typed."""
        return self.places_of(fold(text))

    def places_of(self, key: str) -> tuple[list[Named], Place | None]:
        """'houston' (a folded name): every state's place of that name (up to 12, largest
        first), and the largest as a Place; nothing if no place has the name."""
        places = []
        for c in self.placenames.of_key(key)[:12]:
            state = self.gaz.state_by_usps.get(c.state)  # military "states" (AE, AP) have none
            if c.row >= 0:
                place: Place | None = self.geo_place(self.gaz.geoplaces.at(c.row), [])
            else:  # a postal name: its name folds to the key
                place = self.city(c.name, key, state) if state is not None else None
            if place is not None:
                places.append((c, place))
        named = [Named(c.name, c.state, p.counties, c.zip_codes, c.population, p)
                 for c, p in places]  # fmt: skip
        return named, places[0][1] if places else None

    def misspelt(self, split: tuple[str, State], typos: TypoReader) -> Place | None:
        """'San Fransisco, CA' (split: 'San Fransisco' and CA): the one clearly close place name
        in the state given."""
        rest, state = split
        name = typos.read_as(rest, state.usps)
        return self.city(name, fold(name), state) if name else None

    def area(self, area: Area) -> Place:
        """A named area as a place: its counties, at the middle of their points."""
        pts = [self.gaz.county_point(f) for f in area.counties]
        lat = sum(p[0] for p in pts) / len(pts)
        lon = sum(p[1] for p in pts) / len(pts)
        return Place("area", area.name, area.state, list(area.counties), lat, lon)


def within(u: Understander, rest: str, st: State) -> Place | None:
    """'Montrose, Houston, TX': a part named inside a place or county of the state. The part
    where the data knows it there ('Astoria, Queens, NY'); else the place it is named in,
    with the part in `detail["within"]` (the decider says it was not recognised)."""
    head, _, tail = rest.rpartition(",")
    head, tail = head.strip(), tail.strip()
    outer = (u.county(tail, fold(tail), st) or u.city(tail, fold(tail), st)) if head else None
    if outer is None:
        return None
    inside = [
        p for p in u.gaz.geoplaces.named(st.usps, fold(head)) if p.county_fips in outer.counties
    ]
    if inside:  # of the places of that name, the one there
        return u.geo_place(inside[0], [])
    part = u.city(head, fold(head), st)
    if part is not None and set(part.counties) & set(outer.counties):
        return part
    outer.detail["within"] = {"part": head, "place": outer.name}
    return outer


def named_as(text: str, place: Place | None, area: Area) -> tuple[bool, bool]:
    """Whether a populated place's own name is the area's words ("East New York, NY"), and
    whether it is the words typed before the state's comma ("West, TX")."""
    if place is None or "geoplace" not in place.detail:
        return False, False
    own = fold(place.name.rsplit(", ", 1)[0])
    typed = "," in text and own == fold(text.rpartition(",")[0])
    return own == fold(area.name), typed


USPS_NAME_LENGTH = 28  # the USPS cuts a city name in its files to this many characters


def cut_short(name: str) -> str:
    """A name longer than the USPS keeps, folded as the USPS file cut it ("Hoopa Valley Indian
    Reservation": "hoopa valley indian reservat"), where the cut falls inside a word and what was
    typed past it is a word's end (letters, at most 12); else "" ("... Monument Road", a word after
    a whole name; "... Reservationnnnnnnnnnnnnnn")."""
    name = name.strip()
    kept, rest = name[:USPS_NAME_LENGTH], name[USPS_NAME_LENGTH:]
    if not rest or len(rest) > 12 or not rest.isalpha() or not kept[-1:].isalpha():
        return ""
    return fold(kept)


def with_town(gaz: Gazetteer, place: Place, split: tuple[str, State] | None) -> None:
    """An address's ZIP code place, with the populated place it names before its state
    ("120 N Main St, Guthrie, KY 42234": Guthrie, 0.7 km from Tennessee) where one of that name
    lies in the ZIP's county: the address is in that town, wherever the ZIP's point is."""
    if split is None or split[1].usps != place.state or not place.counties:
        return
    town = split[0].rpartition(",")[2].strip()
    for p in gaz.geoplaces.named(split[1].usps, fold(town)) if town else []:
        if p.county_fips == place.counties[0]:
            place.detail["town"] = p.row
            return


def is_city_of(county: County, named: Sequence[Named]) -> bool:
    """Is the county an independent city that is a place of the name (Suffolk city, VA is the
    place Suffolk, VA: named once)?"""
    return fold(county.name).endswith(" city") and any(
        n.state == county.state and list(n.counties) == [county.fips] for n in named
    )


def county_named(c: CountyName) -> Named:
    return Named(c.county.name, c.county.state, [c.county.fips], c.zip_codes, c.people)
