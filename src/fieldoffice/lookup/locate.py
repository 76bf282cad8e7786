"""Query text or coordinates -> Answer: understand the query, find the geometry, ask decide.py.

The locator dispatches and measures; it decides nothing and words nothing.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import replace

import numpy as np
import numpy.typing as npt

from fieldoffice.core.answer import (
    Alternative,
    Answer,
    Decision,
    Location,
    NationalContact,
    Reason,
    ReasonCode,
)
from fieldoffice.core.errors import InvalidInput
from fieldoffice.core.text import fold
from fieldoffice.directory.context import Context
from fieldoffice.geo.boundaries import County
from fieldoffice.geo.index import check_coordinates
from fieldoffice.geo.near import NearIndex
from fieldoffice.geo.placenames import DOMINANCE, MIN_ZIPS, PlaceNames
from fieldoffice.lookup.decide import Decider, decider
from fieldoffice.lookup.named_areas import Area, AreaIndex
from fieldoffice.lookup.suggest import (
    NameTable,
    Suggester,
    extra_rows,
    gazetteer_arrays,
    table_arrays,
)
from fieldoffice.lookup.typos import TypoReader
from fieldoffice.lookup.understand import MAX_QUERY, Place, Understander

_ZIP_ONLY = re.compile(r"^\s*[0-9]{5}(?:[-\s]?[0-9]{4})?\s*$")


def near_index(ctx: Context) -> NearIndex:
    """The boundary-tolerance index for this directory's territories (built once per context)."""

    def build() -> NearIndex:
        from fieldoffice.geo.index_build import polygon_edges

        gaz = ctx.gazetteer
        edges, owner = polygon_edges(list(gaz.polygons))
        return NearIndex.build(edges, owner, decider(ctx).county_group, gaz.tolerance_km)

    arrays = ctx.derived_arrays("near-index", lambda: build().to_arrays())
    return NearIndex.from_arrays(arrays)


def near_index_of(ctx: Context) -> NearIndex:
    return ctx.memo("near-index", lambda: near_index(ctx))


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

    @property
    def near(self) -> NearIndex:
        return near_index_of(self.ctx)

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
            return self._invalid(query, exc)
        if place is None or place.kind in ("place", "county", "address"):
            # a named area ("West Texas") before a city of the same words ("West, TX")
            area = self.areas.match(query) if len(query) <= MAX_QUERY else None
            if area is not None:
                alternatives = [self._alternative(place)] if place is not None else []
                return self.answer(
                    query, self._area_place(area), self.decider.for_area(area, alternatives)
                )
        if place is None and len(query) <= MAX_QUERY:
            bare = self._bare_name(query) or self._bare_county(query) or self._misspelt(query)
            if bare is not None:
                return bare
        if place is None:
            if _ZIP_ONLY.match(query):
                d = self.decider.entry(self.decider.fixed_key(ReasonCode.UNKNOWN_ZIP))
                return self.answer(query, None, d)
            sugg = self.suggestions(query)
            return self.answer(query, None, self.decider.nothing_matches(query, sugg))
        if place.kind == "point":
            assert place.lat is not None and place.lon is not None
            return self.locate_point(lat=place.lat, lon=place.lon, query=query)
        return self.answer(query, place, self._decide_place(place))

    def locate_point(self, *, lat: float, lon: float, query: str | None = None) -> Answer:
        q = query if query is not None else f"{lat}, {lon}"
        try:
            check_coordinates(lat, lon)
        except InvalidInput as exc:
            return self._invalid(q, exc)
        place = self.understander.point(lat, lon)
        d = self._decide_point(lat, lon)
        if d.reason.code is ReasonCode.OUTSIDE_COUNTIES:
            swapped = self._swapped_hint(lat, lon)
            if swapped:
                params = dict(d.reason.params, swapped=swapped)
                d = replace(d, reason=Reason(d.reason.code, params), suggestions=(swapped,))
        return self.answer(q, place, d)

    @property
    def areas(self) -> AreaIndex:
        return areas_of(self.ctx)

    @property
    def placenames(self) -> PlaceNames:
        return self.ctx.memo("placenames", lambda: PlaceNames(self.gaz))

    @property
    def suggester(self) -> Suggester:
        return suggester_of(self.ctx)

    @property
    def typos(self) -> TypoReader:
        return self.ctx.memo("typos", lambda: TypoReader(self.suggester))

    def suggestions(self, query: str, limit: int = 5) -> list[str]:
        """Real names close to what was typed (states, counties, places, named areas): most
        similar first, then the larger; none padded in when nothing is close."""
        split = self.understander.split_state(query)
        return self.suggester.suggest(query, split[1].usps if split else None, limit=limit)

    def _bare_name(self, query: str) -> Answer | None:
        """The largest place of that name when it clearly outranks the others (which come along as
        alternatives), else `ambiguous` with every candidate; None if no place has the name."""
        found = self.placenames.candidates(query)
        if not found:
            return None
        places = []
        for c in found[:12]:
            state = self.gaz.state_by_usps.get(c.state)  # military "states" (AE, AP) have none
            place = self.understander.city(c.name, state) if state is not None else None
            if place is not None:
                places.append((c, place))
        if not places:
            return None
        alts = [
            self.decider.alternative(c.name, c.state, p.counties, c.zip_codes) for c, p in places
        ]
        if PlaceNames.dominant([c for c, _ in places]):
            top = places[0][1]
            return self.answer(
                query, top, self.decider.with_alternatives(self._decide_place(top), alts[1:9])
            )
        return self.answer(query, None, self.decider.several_places(query, alts))

    def _bare_county(self, query: str) -> Answer | None:
        """'Fresno County' with no state: that county if only one state has it, or if it clearly
        outranks the others by ZIP codes (Cook County: Illinois), else `ambiguous` with each."""
        found = self.county_names.get(fold(query))
        if not found:
            return None
        alts = [self.decider.alternative(c.name, c.state, [c.fips], n) for c, n in found]
        top, top_zips = found[0]
        second = found[1][1] if len(found) > 1 else 0
        if len(found) == 1 or (top_zips >= MIN_ZIPS and top_zips >= DOMINANCE * second):
            place = self.understander.understand(f"{top.name}, {top.state}")
            if place is not None:
                decision = self.decider.with_alternatives(self._decide_place(place), alts[1:9])
                return self.answer(query, place, decision)
        return self.answer(query, None, self.decider.several_places(query, alts))

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

    def _misspelt(self, query: str) -> Answer | None:
        """'San Fransisco, CA': the one clearly close place name in the state given, said so."""
        split = self.understander.split_state(query)
        if split is None:
            return None
        rest, state = split
        name = self.typos.read_as(rest, state.usps)
        place = self.understander.city(name, state) if name else None
        if place is None:
            return None
        return self.answer(
            query, place, self.decider.read_as(self._decide_place(place), place.name)
        )

    def _alternative(self, place: Place) -> Alternative:
        return self.decider.alternative(place.name.rsplit(", ", 1)[0], place.state or "",
                                        place.counties, len(place.detail.get("zips", ())))  # fmt: skip

    def _area_place(self, area: Area) -> Place:
        pts = [self.gaz.county_point(f) for f in area.counties]
        lat = sum(p[0] for p in pts) / len(pts)
        lon = sum(p[1] for p in pts) / len(pts)
        return Place("area", area.name, area.state, list(area.counties), lat, lon)

    # -- the located thing, handed to the rules ----------------------------------------------------
    def _decide_place(self, place: Place) -> Decision:
        zip5 = place.detail.get("zip")
        dec = self.decider
        zips: list[str] = list(place.detail.get("zips") or [])
        if zip5 is None and len(zips) == 1 and self._known_only_as_another_name(place, zips[0]):
            zip5 = zips[0]  # where the town is, the data cannot say: the ZIP's rule applies
        if zip5 in self.gaz.zips:
            d = dec.entry(dec.zip_key(self.gaz.zips[zip5]))
            if d.reason.code is ReasonCode.ZIP_MAY_CROSS:
                d = dec.with_zip_reach(d, str(zip5))
        elif place.counties:
            d = dec.for_counties(place.counties)
        else:
            d = dec.entry(dec.no_county_key(place.state or "", place.detail.get("city") or ""))
        if d.status == "uncovered":
            d = dec.with_nearest_office(d, place.lat, place.lon)
        return d

    def _known_only_as_another_name(self, place: Place, zip5: str) -> bool:
        """Gorman, CA is only an alternative name of ZIP 93243 (Lebec): the ZIP's point and county
        are Lebec's, not Gorman's."""
        city = place.name.rsplit(", ", 1)[0]
        return fold(self.gaz.zips[zip5].city) != fold(city)

    def _decide_point(self, lat: float, lon: float) -> Decision:
        """The same key as the batch computes for this point, then what a single answer adds."""
        dec = self.decider
        x, y = np.array([lon]), np.array([lat])
        k = int(self.gaz.index.lookup(lat=y, lon=x)[0])
        home, km = -1, 0.0
        if k >= 0:
            near = bool(self.near.near_other(x, y, np.array([k], dtype=np.int32))[0])
        else:
            homes, kms = self.near.nearest(x, y)
            home, km = int(homes[0]), float(kms[0])
            group = dec.county_group[[max(home, 0)]]
            near = home >= 0 and bool(self.near.other_groups_within(x, y, group)[0])
        key = int(dec.point_keys([k], [home], [near])[0])
        d = dec.entry(key)
        mine = dec.fips[k if k >= 0 else home] if max(k, home) >= 0 else None
        if d.status == "near_boundary" and mine is not None:
            skip = {k, home}
            nearby = [
                (dec.fips[j], d_km) for j, d_km in self.near.within(lon, lat) if j not in skip
            ]
            d = dec.with_nearby(d, nearby, mine)
        if k < 0 and home >= 0:
            d = dec.with_distance(d, km)
        if d.status == "uncovered":
            d = dec.with_nearest_office(d, lat, lon)
        return d

    # -- answers ----------------------------------------------------------------------------------
    def answer(self, q: str, place: Place | None, d: Decision) -> Answer:
        return Answer(
            query=q,
            status=d.status,
            reason_code=d.reason.code,
            reason_params=d.reason.params,
            location=location(place) if place is not None else None,
            counties=d.counties,
            offices=d.offices,
            confidence=d.confidence,
            suggestions=d.suggestions,
            nearest_office=d.nearest_office,
            alternatives=d.alternatives,
            national_contact=self.national,
        )

    def _invalid(self, q: str, exc: InvalidInput) -> Answer:
        return self.answer(q, None, self.decider.unreadable(str(exc)))

    def _swapped_hint(self, lat: float, lon: float) -> str | None:
        """'lat, lon' for the swapped point, if that one is in a US county."""
        if not (-90 <= lon <= 90 and -180 <= lat <= 180):
            return None
        if self.gaz.index.lookup_one(lat=lon, lon=lat) < 0:
            return None
        return f"{lon}, {lat}"
