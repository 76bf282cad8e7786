"""Query text or coordinates -> Answer: the door every lookup comes in by.

The locator dispatches: it asks the understander once what the query may name (a place, a named
area, a name without a state, a misspelling, a point: one reading, the query folded once) and
hands that to the decider, which decides the answer; it decides nothing and words nothing.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict

import numpy as np
import numpy.typing as npt

from fieldoffice.core.answer import Answer, Decision, Location, NationalContact
from fieldoffice.core.errors import InvalidInput
from fieldoffice.core.text import fold
from fieldoffice.directory.context import Context
from fieldoffice.geo.index import check_coordinates
from fieldoffice.lookup.decide import GUESS_OF_LARGEST, Decider, at_most, decider, near_index_of
from fieldoffice.lookup.named_areas import AreaIndex
from fieldoffice.lookup.ranking import named_dominant
from fieldoffice.lookup.suggest import (
    NameTable,
    Suggester,
    extra_rows,
    gazetteer_arrays,
    one_per_name,
    table_arrays,
)
from fieldoffice.lookup.typos import TypoReader
from fieldoffice.lookup.understand import CountyName, Place, Query, Understander
from fieldoffice.lookup.word_neighbours import WordNeighbours
from fieldoffice.lookup.wording import MAX_QUERY

__all__ = ["Locator", "areas_of", "location", "locator_of", "near_index_of", "suggester_of"]

_ZIP_ONLY = re.compile(r"^\s*[0-9]{5}(?:[-\s]?[0-9]{4})?\s*$")


def areas_of(ctx: Context) -> AreaIndex:
    return ctx.memo("areas", lambda: AreaIndex(ctx.gazetteer, ctx.regions))


def suggester_of(ctx: Context) -> Suggester:
    """The suggestion index of every name the resolver knows (built once per context): the
    gazetteer's names from their derived snapshot, areas and offices from their files."""

    def build() -> Suggester:
        names = ctx.derived_arrays("suggest-names", lambda: gazetteer_arrays(ctx.gazetteer))
        extra = table_arrays(extra_rows(areas_of(ctx).by_key, ctx.directory.offices))
        return Suggester([NameTable(names), NameTable(extra)])

    return ctx.memo("suggester", build)


def locator_of(ctx: Context) -> Locator:
    return ctx.memo("locator", lambda: Locator(ctx))


def location(place: Place) -> Location:
    d = place.detail
    zips = d.get("zips")
    return Location(
        kind=place.kind,
        name=place.name,
        state=place.state,
        lat=None if place.lat is None else round(place.lat, 5),
        lon=None if place.lon is None else round(place.lon, 5),
        zip=d.get("zip"),
        city=d.get("city"),
        zip_type=d.get("zip_type"),
        zips=tuple(zips) if zips is not None else None,
        address=d.get("address"),
    )


class Locator:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.gaz = ctx.gazetteer
        self.understander = Understander(ctx.gazetteer)
        self.decider: Decider = decider(ctx)
        media = ctx.directory.media
        self.national = NationalContact(
            name=media.name,
            phone=media.phone,
            email=media.email,
            warnings=tuple(n.text for n in ctx.directory.notices if n.kind == "scam"),
        )

    # -- entry points -------------------------------------------------------------------------
    WARM_UP = ("Reno, NV", "Sacramento", "Fresno County", "89501", "zzqx blorp",
               "1600 Pennsylvania Ave NW, Washington, DC 20500", "Sacremento, CA", "West Texas")  # fmt: skip

    def warm(self) -> None:
        """Build every lazy part once (place names, county names, areas, the name index, the
        address parser) by asking one question of each kind, and every state's names a word
        apart: a server calls this at start, so no visitor pays for it."""
        for query in self.WARM_UP:
            self.locate(query)
        self.word_neighbours.prepare(self.gaz.state_by_usps)

    def locate(self, query: str) -> Answer:
        try:
            q = self.understander.read_query(query, self)
        except InvalidInput as exc:
            return self.answer(query, None, self.decider.unreadable(str(exc)))
        place, d = self.dispatch(q)
        return self.answer(query, place, d)

    def dispatch(self, q: Query) -> tuple[Place | None, Decision]:
        """The reading that answers, handed to the decider's rule for it; with the place the
        answer is for."""
        place, area, elsewhere = q.place, q.area, q.elsewhere
        if area is not None and not self.decider.place_wins(q):
            others = elsewhere.named if elsewhere is not None and not elsewhere.read_as else []
            return q.area_place, self.decider.for_area(area, place, others)
        if place is None:
            return self.unplaced(q)
        if place.kind == "state" and elsewhere is not None:  # "Washington": DC is offered
            return place, self.decider.for_state_name(place, elsewhere.named)
        if place.kind == "point":  # coordinates the understander has read and checked
            assert place.lat is not None and place.lon is not None
            return place, self.decider.for_point(place.lat, place.lon)
        return place, self.decider.for_place(place)

    def unplaced(self, q: Query) -> tuple[Place | None, Decision]:
        """A query that names no place as it stands: a name without its state or a misspelt one
        (elsewhere), a name the data does not know in a state ("Foo, NV", "Thermalto, CA": see
        Decider.for_unknown), five digits no ZIP code has, or nothing at all."""
        reading = q.elsewhere
        if reading is not None and not reading.read_as:
            return self.decider.for_name(q.text, reading.named, reading.top)
        in_state = q.split[1] if q.split is not None and len(q.text) <= MAX_QUERY else None
        if in_state is None and _ZIP_ONLY.match(q.text):
            return None, self.decider.unknown_zip()
        in_city = self.in_city(q) if in_state is None else None
        city: list[str] = []
        if in_city is not None:  # "Black Rock, Buffalo": in Buffalo, NY, the largest by far
            place, d = self.dispatch(in_city)
            # only a part known there: "Windsor, Ontario" is no place in Ontario, CA (offered),
            # nor "Qxzv" in St Paul, though it reads as a street there
            if place is not None and place.kind != "address" and not place.detail.get("within"):
                return place, at_most(d, GUESS_OF_LARGEST)
            city = [place.name] if place is not None else []
        found = self.suggester.suggest(q.text, q.split[1].usps if q.split else None)
        suggestions = one_per_name(city + found)[:5]
        if in_state is not None and q.split is not None:  # a word more or less first
            key = fold(q.split[0])
            near = self.word_neighbours.of(key, in_state.usps)  # Burke Centre: Burke
            # then the places of the name in other states, largest first (Tucson, NV: Tucson, AZ)
            named = self.understander.placenames.of_key(key)[:3]
            near += [f"{c.name}, {c.state}" for c in named if c.state != in_state.usps]
            suggestions = one_per_name(near + suggestions)[:5]
        if in_state is None:
            return None, self.decider.nothing_matches(q.text, suggestions)
        top = reading.top if reading is not None else None
        d = self.decider.for_unknown(q.text, in_state.usps, top, suggestions)
        if "read_as" in d.reason.params:
            return top, d
        if d.status == "not_found":
            return None, d
        return self.understander.state(in_state), d

    def in_city(self, q: Query) -> Query | None:
        """'Part, City' with no state, where one place of the city's name outweighs the others:
        the query read again with that place's state."""
        head, _, tail = q.text.rpartition(",")
        if not head.strip() or self.gaz.state(tail) is not None:
            return None
        named, top = self.understander.places_of(fold(tail))
        if top is None or top.state is None or not named_dominant(named):
            return None
        try:
            return self.understander.read_query(f"{q.text}, {top.state}", self)
        except InvalidInput:  # the state made it too long: no reading
            return None

    def locate_point(self, *, lat: float, lon: float, query: str | None = None) -> Answer:
        q = query if query is not None else f"{lat}, {lon}"
        try:
            check_coordinates(lat, lon)
        except InvalidInput as exc:
            return self.answer(q, None, self.decider.unreadable(str(exc)))
        return self.answer(q, self.understander.point(lat, lon), self.decider.for_point(lat, lon))

    def suggestions(self, query: str, limit: int = 5) -> list[str]:
        """Real names close to what was typed (states, counties, places, named areas): most
        similar first, then the larger; none padded in when nothing is close."""
        split = self.understander.split_state(query)
        return one_per_name(self.suggester.suggest(query, split[1].usps if split else None, limit=limit))  # fmt: skip

    # -- answers ----------------------------------------------------------------------------------
    def answer(self, q: str, place: Place | None, d: Decision) -> Answer:
        return Answer(q, location(place) if place is not None else None, d, self.national)

    # -- the indexes, built once per context --------------------------------------------------
    @property
    def areas(self) -> AreaIndex:
        return areas_of(self.ctx)

    @property
    def suggester(self) -> Suggester:
        return suggester_of(self.ctx)

    @property
    def word_neighbours(self) -> WordNeighbours:
        return self.ctx.memo("word-neighbours", lambda: WordNeighbours(self.gaz))

    @property
    def typos(self) -> TypoReader:
        return self.ctx.memo("typos", lambda: TypoReader(self.suggester))

    @property
    def county_names(self) -> dict[str, list[CountyName]]:
        """Every county by its folded name alone, and by its name without the kind word
        ("Loudoun", "Kenai Peninsula"), with its ZIP codes and the people of its populated places
        (what ranks it against a place of the name: "Hennepin" is the county of 1.2 million, not
        the village of 750), most ZIP codes first."""

        def sizes() -> dict[str, npt.ArrayLike]:
            fips = [c.fips for c in self.gaz.counties]
            seen = Counter(self.gaz.zips.county_column())
            row = {f: i for i, f in enumerate(fips)}
            people = np.zeros(len(fips), dtype=np.int64)
            gp = self.gaz.geoplaces
            for r in range(len(gp)):  # the places' own counties (their points'), summed
                people[row[gp.at(r).county_fips]] += int(gp.population[r])
            return {"zips": np.array([seen[f] for f in fips], dtype=np.int32), "people": people}

        def build() -> dict[str, list[CountyName]]:
            a = self.ctx.derived_arrays("county-sizes", sizes)
            out: dict[str, list[CountyName]] = defaultdict(list)
            for c, n, people in zip(self.gaz.counties, a["zips"].tolist(), a["people"].tolist(), strict=True):  # fmt: skip
                for name in {fold(c.name), fold(c.short_name)}:
                    out[name].append(CountyName(c, n, people))
            for found in out.values():
                found.sort(key=lambda cn: (-cn.zip_codes, cn.county.state))
            return dict(out)

        return self.ctx.memo("locate-county-names", build)
