"""Query text or coordinates -> Answer: the door every lookup comes in by.

The locator dispatches: it asks the understander what the query names (a place, a named area,
a name without a state, a misspelling, a point) and hands that to the decider, which decides the
answer; it decides nothing and words nothing.
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
from fieldoffice.geo.boundaries import County
from fieldoffice.geo.gazetteer import State
from fieldoffice.geo.index import check_coordinates
from fieldoffice.lookup.decide import Decider, decider, near_index_of
from fieldoffice.lookup.named_areas import Area, AreaIndex
from fieldoffice.lookup.suggest import (
    NameTable,
    Suggester,
    extra_rows,
    gazetteer_arrays,
    table_arrays,
)
from fieldoffice.lookup.typos import TypoReader
from fieldoffice.lookup.understand import Named, Place, Understander
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


def _place_is_named(query: str, place: Place | None, area: Area) -> bool:
    """A populated place whose own name is the words a compass area is made of ("East New York,
    NY" is a Brooklyn neighbourhood, not the east of the state): the place, never re-read."""
    if place is None or "geoplace" not in place.detail or area.kind != "compass":
        return False
    name = fold(place.name.rsplit(", ", 1)[0])
    typed = query.rpartition(",")[0] if "," in query else None  # "West, TX": the town of West
    return name == fold(area.name) or (typed is not None and name == fold(typed))


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
        address parser) by asking one question of each kind: a server calls this at start, so
        no visitor pays for it."""
        for query in self.WARM_UP:
            self.locate(query)

    def locate(self, query: str) -> Answer:
        try:
            place = self.understander.understand(query)
        except InvalidInput as exc:
            return self.answer(query, None, self.decider.unreadable(str(exc)))
        if place is None or place.kind in ("place", "county", "address"):
            # a named area ("West Texas") before a city of the same words ("West, TX")
            area = self.areas.match(query) if len(query) <= MAX_QUERY else None
            if area is not None and not self._place_wins(query, place, area):
                others: list[Named] = []
                if area.kind == "former":  # "Dade County": Dade County, GA and MO still are
                    reading = self.understander.without_state(query, self.county_names, self.typos)
                    others = reading.named if reading is not None and not reading.read_as else []
                d = self.decider.for_area(area, place, others)
                return self.answer(query, self.understander.area(area), d)
        if place is None and len(query) <= MAX_QUERY:
            reading = self.understander.without_state(query, self.county_names, self.typos)
            if reading is not None and not reading.read_as:
                top, d = self.decider.for_reading(query, reading)
                return self.answer(query, top, d)
            split = self.understander.split_state(query)
            if split is not None:
                return self.unknown_in_state(query, split[1], reading.top if reading else None)
        if place is None:
            if _ZIP_ONLY.match(query):
                return self.answer(query, None, self.decider.unknown_zip())
            d = self.decider.nothing_matches(query, self.suggestions(query))
            return self.answer(query, None, d)
        if place.kind == "state" and len(fold(query)) > 2:
            named, _ = self.understander.places_named(query)  # "Washington": DC is offered
            return self.answer(query, place, self.decider.for_state_name(place, named))
        if place.kind == "point":  # coordinates the understander has read and checked
            assert place.lat is not None and place.lon is not None
            return self.answer(query, place, self.decider.for_point(place.lat, place.lon))
        return self.answer(query, place, self.decider.for_place(place))

    def _place_wins(self, query: str, place: Place | None, area: Area) -> bool:
        """Is the query the populated place rather than the area of the same words? A place named
        as a compass area's words always is; one typed exactly with its state ("West, TX", a town,
        not the directory's "West Texas") is, unless the area gets the same offices anyway."""
        if _place_is_named(query, place, area):
            return True
        if place is None or "geoplace" not in place.detail or "," not in query:
            return False
        if fold(place.name.rsplit(", ", 1)[0]) != fold(query.rpartition(",")[0]):
            return False
        mine = [o.id for o in self.decider.for_place(place).responsible]
        return mine != [o.id for o in self.decider.for_counties(area.counties).responsible]

    def unknown_in_state(self, query: str, st: State, reading: Place | None) -> Answer:
        """A name the data does not know in a state ("Foo, NV", "Thermalto, CA"): see
        Decider.for_unknown."""
        d = self.decider.for_unknown(query, st.usps, reading, self.suggestions(query))
        if "read_as" in d.reason.params:
            return self.answer(query, reading, d)
        if d.status == "not_found":
            return self.answer(query, None, d)
        return self.answer(query, self.understander.state(st), d)

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
        return self.suggester.suggest(query, split[1].usps if split else None, limit=limit)

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
    def typos(self) -> TypoReader:
        return self.ctx.memo("typos", lambda: TypoReader(self.suggester))

    @property
    def county_names(self) -> dict[str, list[tuple[County, int]]]:
        """Every county by its folded name alone, most ZIP codes first."""

        def zip_counts() -> dict[str, npt.ArrayLike]:
            fips = [c.fips for c in self.gaz.counties]
            seen = Counter(self.gaz.zips.county_column())
            return {"zips": np.array([seen[f] for f in fips], dtype=np.int32)}

        def build() -> dict[str, list[tuple[County, int]]]:
            zips = self.ctx.derived_arrays("county-zip-counts", zip_counts)["zips"].tolist()
            out: dict[str, list[tuple[County, int]]] = defaultdict(list)
            for c, n in zip(self.gaz.counties, zips, strict=True):
                out[fold(c.name)].append((c, n))
            for found in out.values():
                found.sort(key=lambda cn: (-cn[1], cn[0].state))
            return dict(out)

        return self.ctx.memo("locate-county-names", build)
