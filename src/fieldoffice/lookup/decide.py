"""The one place that decides an answer's status, offices, confidence and reason code.

A located thing is a set of counties (a state, a city, a county), a ZIP code, a point, or a name
that several places share. Nothing here writes English: wording.py does. Single lookups and batch
share the rules through *keys* (keys.py): every point and ZIP outcome is one key, and `entry(key)`
is the Decision for it, made by the same scalar rules (`for_counties`) that decide a state or a
city. So batch and single cannot disagree. What a single lookup adds on top of its key's decision
is decided here too: the offices nearby and how far they are, how far outside its county a point
is, the nearest office to an uncovered place, and which of several places of one name is meant.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import replace
from typing import Any, cast

import numpy as np
import numpy.typing as npt

from fieldoffice.core.answer import Alternative, ClaimRef, CountyRef, Decision, Reason, ReasonCode
from fieldoffice.core.models import (
    CONFIDENCE_RANK,
    GUESS_CONFIDENCE,
    Claim,
    Confidence,
    Status,
    weakest,
)
from fieldoffice.core.text import fold
from fieldoffice.directory.context import Context
from fieldoffice.geo.near import NearIndex
from fieldoffice.geo.places import GeoPlace
from fieldoffice.lookup.keys import (
    BLOCKS,
    FIXED_CODES,
    INSIDE,
    INSIDE_NEAR,
    OUTSIDE_ALONE,
    OUTSIDE_NEAR,
)
from fieldoffice.lookup.named_areas import COMPASS, Area
from fieldoffice.lookup.nearby import (  # the nearest office's limit and distance, kept importable here
    NEAREST_OFFICE_MAX_KM as NEAREST_OFFICE_MAX_KM,
)
from fieldoffice.lookup.nearby import Additions
from fieldoffice.lookup.nearby import great_circle_km as great_circle_km
from fieldoffice.lookup.offices import office_ref
from fieldoffice.lookup.ranking import dominant, named_dominant
from fieldoffice.lookup.understand import MAJOR_PLACE, Named, Place, Query

# The largest of several places of one name, where the others get other offices: the likely one,
# never certain.
GUESS_OF_LARGEST: Confidence = "medium-high"
# A postal city name only is located by its ZIP codes' filing counties (maybe a post office far
# from the town of that name): never more certain than this.
POSTAL_CONFIDENCE: Confidence = "medium-high"
# The status of each fixed outcome (keys.FIXED_CODES): the batch's unreadable cells are invalid.
FIXED_STATUS: dict[ReasonCode, Status] = {
    ReasonCode.OUTSIDE_COUNTIES: "not_found", ReasonCode.UNKNOWN_ZIP: "not_found",
    ReasonCode.MILITARY_ZIP: "not_found", ReasonCode.ASSOCIATED_STATE_ZIP: "not_found",
    ReasonCode.NO_COUNTY: "not_found", ReasonCode.BAD_NUMBER: "invalid",
    ReasonCode.OUT_OF_RANGE: "invalid", ReasonCode.MISSING: "invalid", ReasonCode.BAD_ZIP: "invalid",
}  # fmt: skip


def at_most(d: Decision, level: Confidence) -> Decision:
    """The decision, no more confident than `level`."""
    if d.confidence is None or CONFIDENCE_RANK[d.confidence] <= CONFIDENCE_RANK[level]:
        return d
    return replace(d, confidence=level)


def _same_answer(d: Decision, a: Alternative) -> bool:
    return tuple(o.id for o in d.responsible) == a.offices


def _same_offices(a: Decision, b: Decision) -> bool:
    return [o.id for o in a.responsible] == [o.id for o in b.responsible]


def _alternative_param(a: Alternative) -> dict[str, Any]:
    return {"name": a.name, "offices": list(a.office_names), "status": a.status}


def decider(ctx: Context) -> Decider:
    """The Decider of a context, made once."""
    return ctx.memo("decider", lambda: Decider(ctx))


def near_index(ctx: Context) -> NearIndex:
    """The boundary-tolerance index for this directory's territories (built once per data and
    directory version, kept as a derived snapshot)."""

    def build() -> NearIndex:
        from fieldoffice.geo.index_build import polygon_edges
        from fieldoffice.geo.near_build import build_near_index

        gaz = ctx.gazetteer
        edges, owner = polygon_edges(list(gaz.polygons))
        return build_near_index(edges, owner, decider(ctx).county_group, gaz.tolerance_km)

    arrays = ctx.derived_arrays("near-index", lambda: build().to_arrays())
    return NearIndex.from_arrays(arrays)


def near_index_of(ctx: Context) -> NearIndex:
    """The near index of a context, made once."""
    return ctx.memo("near-index", lambda: near_index(ctx))


class Rules(Additions):
    """The rules that batch and single lookups share: a key's decision, and a set of counties'."""

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        self._entries: dict[int, Decision] = {}

    # -- a key's decision -------------------------------------------------------------------------
    def entry(self, key: int) -> Decision:
        """The Decision for a key (memoised: a batch asks for the same few keys again and again)."""
        found = self._entries.get(key)
        if found is None:
            found = self._entries[key] = self._make_entry(key)
        return found

    def _make_entry(self, key: int) -> Decision:
        block, k = divmod(key, self.n)
        if block == INSIDE:
            return self.for_counties([self.fips[k]])
        if block == INSIDE_NEAR:
            base = self.for_counties([self.fips[k]])
            return self._near(base, ReasonCode.NEAR_LINE, self.fips[k])
        if block in (OUTSIDE_NEAR, OUTSIDE_ALONE):
            base = self.for_counties([self.fips[k]])
            if block == OUTSIDE_ALONE and not base.responsible:
                reason = Reason(
                    ReasonCode.OFFSHORE,
                    dict(base.reason.params, county=self._county_param(self.fips[k])),
                )
                return replace(base, status="uncovered", reason=reason)  # fmt: skip
            return self._near(base, ReasonCode.JUST_OUTSIDE, self.fips[k])
        rest = key - BLOCKS * self.n
        if rest < len(FIXED_CODES):
            code = FIXED_CODES[rest]
            return Decision(status=FIXED_STATUS[code], reason=Reason(code))
        if key < self.zips_from:
            usps = self.states[rest - len(FIXED_CODES)]
            return self.for_counties([c.fips for c in self.gaz.state_counties(usps)], whole_state=usps)  # fmt: skip
        zip5 = f"{int(self.crossing_zips[key - self.zips_from]):05d}"
        fips = self.gaz.zips[zip5].county_fips or ""
        base = self.for_counties([fips])
        return self.with_zip_reach(self._near(base, ReasonCode.ZIP_MAY_CROSS, fips), zip5)

    def _near(self, base: Decision, code: ReasonCode, fips: str) -> Decision:
        inside = tuple(replace(o, side="inside", distance_km=0.0) for o in base.offices)
        params = {
            "county": self._county_param(fips),
            "offices": [self._office_param(o.id, list(o.phrases)) for o in base.offices],
            "tolerance_km": self.gaz.tolerance_km,
            "base": {"code": base.reason.code.value, "params": base.reason.params},
        }
        return replace(base, status="near_boundary", offices=inside, reason=Reason(code, params))

    def _in_own_state(self, d: Decision, counties: Sequence[str]) -> Decision:
        """A place whose point GeoNames puts across its state's line (Delmar, DE, in Maryland): its
        county there (the build's nearest) decides; the point's county, if not alike, is near_boundary's
        other side (point_across: a shared name's alternative names both, never the same answer)."""
        state = self.gaz.county_by_fips[counties[0]].state if counties else ""
        theirs = [c.fips for c in d.counties if c.state != state]
        if not state or not theirs or len(theirs) < len(d.counties):
            return d
        own, mine = counties[0], self.for_counties(counties[:1])
        if self.terr.offices_of(theirs[0]) == self.terr.offices_of(own):
            return mine
        d = self.with_nearby(self._near(mine, ReasonCode.NEAR_LINE, own), [(theirs[0], 0.0)], own)
        return replace(d, reason=Reason(d.reason.code, dict(d.reason.params, point_across=True)))

    def place_keys(self) -> npt.NDArray[np.int32]:
        """Per populated place (by row), its point's key when the point is inside a county and not
        within the tolerance of another territory (most places), else -1: a derived snapshot, so
        a place is decided without loading the near index unless it lies near a line."""

        def build() -> dict[str, npt.NDArray[np.int32]]:
            lat, lon = self.gaz.geoplaces.points
            k = self.gaz.index.lookup(lat=lat, lon=lon)
            inside = np.flatnonzero(k >= 0)
            near = near_index_of(self.ctx).near_other(lon[inside], lat[inside], k[inside])
            keys = np.full(len(k), -1, dtype=np.int32)
            keys[inside[~near]] = k[inside[~near]]
            return {"keys": keys}

        return self.ctx.derived_arrays("place-keys", build)["keys"]

    # -- the rules for a set of counties ----------------------------------------------------------
    def for_counties(self, fipses: Sequence[str], *, whole_state: str | None = None) -> Decision:
        """matched, overlap, split or uncovered, from who claims each county."""
        groups: dict[frozenset[str], list[str]] = defaultdict(list)
        for f in fipses:
            groups[self.terr.offices_of(f)].append(f)
        claims = [(f, c) for f in fipses for c in self.terr.claims(f)]
        confidence = cast(Confidence | None, weakest([c.confidence for _, c in claims]))
        params: dict[str, Any] = {}
        if len(fipses) == 1:
            params["county"] = self._county_param(fipses[0])
        if whole_state:
            params["whole_state"] = whole_state
        weak = self._weakest_region_claim([c for _, c in claims])
        if weak:
            params["weak"] = weak
        per_office: dict[str, list[str]] = defaultdict(list)
        for ids, members in groups.items():
            for oid in ids:
                per_office[oid].extend(members)
        order = sorted(per_office, key=lambda o: (-len(per_office[o]), o))
        phrases = {
            oid: sorted({c.phrase for _, c in claims if c.office_id == oid}) for oid in order
        }
        status, code, order = self._claimed(fipses, groups, per_office, phrases, order, params)
        offices = tuple(
            replace(
                office_ref(self.ctx.directory, self.offices[oid]),
                phrases=tuple(phrases[oid]),
                counties=tuple(sorted(per_office[oid])) if status == "split" else None,
            )
            for oid in order
        )
        return Decision(
            status=status,
            reason=Reason(code, params),
            offices=offices,
            counties=tuple(self._county_ref(f) for f in fipses),
            claims=tuple(
                ClaimRef(f, c.office_id, c.phrase, c.region_id, cast(Confidence, c.confidence))
                for f, c in claims
            ),
            confidence=confidence if status != "uncovered" else None,
        )

    def _claimed(
        self,
        fipses: Sequence[str],
        groups: dict[frozenset[str], list[str]],
        per_office: dict[str, list[str]],
        phrases: dict[str, list[str]],
        order: list[str],
        params: dict[str, Any],
    ) -> tuple[Status, ReasonCode, list[str]]:
        """The status and reason from who claims the counties (groups: the counties of each set
        of offices), filling in the reason's params; and the offices in the order named."""
        status: Status
        if len(groups) == 1 and not order:
            status, code = "uncovered", ReasonCode.NO_OFFICE
            state = self._one_state(fipses)
            if state:
                params["state"] = state
                params["covered_in_state"] = sorted(
                    {c.phrase for x in self.gaz.state_counties(state) for c in self.terr.claims(x.fips)}
                )  # fmt: skip
            media = self.ctx.directory.media
            params["national_line"] = media.phone or media.email
        elif len(groups) == 1 and len(order) == 1:
            status, code = "matched", ReasonCode.IN_TERRITORY
            params["office"] = self._office_param(order[0], phrases[order[0]])
        elif len(groups) == 1:
            status, code = "overlap", ReasonCode.CLAIMED_BY_SEVERAL
            order = sorted(order)
            params["offices"] = [self._office_param(o, phrases[o]) for o in order]
        else:
            status = "split"
            code = ReasonCode.SPANS_OFFICES if len(order) > 1 else ReasonCode.PARTLY_COVERED
            params["offices"] = [
                dict(self._office_param(o, phrases[o]), counties=len(per_office[o])) for o in order
            ]
            params["uncovered_counties"] = len(groups.get(frozenset(), []))
            params["some_claimed_twice"] = any(len(ids) > 1 for ids in groups)
        return status, code, order

    # -- parameters: plain values, so any door can word them --------------------------------------
    def _county_ref(self, fips: str) -> CountyRef:
        c = self.gaz.county_by_fips[fips]
        cl = self.terr.claims(fips)
        return CountyRef(fips, c.name, c.state, tuple(sorted({x.office_id for x in cl})),
                         tuple(sorted({x.phrase for x in cl})))  # fmt: skip

    def _one_state(self, fipses: Sequence[str]) -> str | None:
        states = {self.gaz.county_by_fips[f].state for f in fipses}
        return states.pop() if len(states) == 1 else None

    def _weakest_region_claim(self, claims: list[Claim]) -> dict[str, str] | None:
        weak = [c for c in claims if c.confidence != "high" and c.region_id]
        if not weak:
            return None
        c = min(weak, key=lambda c: CONFIDENCE_RANK[c.confidence])
        region = self.ctx.regions.get(c.region_id or "")
        return {"phrase": c.phrase, "confidence": c.confidence,
                "why": c.note or (region.source if region else "")}  # fmt: skip


class Decider(Rules):
    """What a single lookup decides: a place, a point, a named area, a name that several places
    share, a misspelling, text that names no place; and what it adds to its key's decision (the
    offices nearby, how far, the nearest office)."""

    # -- a single lookup -----------------------------------------------------------------------
    def for_place(self, place: Place) -> Decision:
        """A place understood from a query: its ZIP code's rule if it is one (or a postal name of
        one), else its counties', else its state's; the nearest office when none covers it.
        A part the data did not know in it ("Montrose, Houston, TX"): Houston's, as a guess."""
        within = place.detail.get("within")
        if within is not None:
            d = at_most(self.for_place(replace(place, detail=place.detail | {"within": None})), GUESS_CONFIDENCE)  # fmt: skip
            return replace(d, reason=Reason(d.reason.code, dict(d.reason.params, within=within)))
        if "geoplace" in place.detail:
            return self.for_geoplace(place)
        zip5 = place.detail.get("zip") or self._postal_zip(place.detail.get("zips") or [])
        if zip5 in self.gaz.zips:
            d = self.entry(self.zip_key(self.gaz.zips[zip5]))
            if "town" in place.detail and d.status != "near_boundary":  # an address, in a town
                t = self.gaz.geoplaces.at(int(place.detail["town"]))  # near a line: so may it be
                near = self.at_point_of(t.row, t.lat, t.lon, [t.county_fips])
                d = near if near.status == "near_boundary" else d
        elif place.counties:
            d = self.for_counties(place.counties)
        else:
            d = self.entry(self.no_county_key(place.state or "", place.detail.get("city") or ""))
        if d.status == "uncovered":
            d = self.with_nearest_office(d, place.lat, place.lon)
        if place.kind == "place":  # a postal name only: where its mail goes, not where it is
            d = at_most(d, POSTAL_CONFIDENCE)
        return d

    def _postal_zip(self, zips: Sequence[str]) -> str | None:
        """The ZIP whose rule a postal city name takes (where the town is, the data cannot say):
        its one ZIP; or, all filed in one territory, the one reaching most others; else None."""
        if len(zips) == 1:
            return zips[0]
        if len({self.terr.offices_of(self.gaz.zips[z].county_fips or "") for z in zips}) != 1:
            return None  # filed in several territories: their counties decide (split)
        ds = {z: self.entry(self.zip_key(self.gaz.zips[z])) for z in zips}
        widest = max(zips, key=lambda z: len(ds[z].offices))
        return widest if ds[widest].status == "near_boundary" else None

    def for_point(self, lat: float, lon: float) -> Decision:
        """The same key as the batch computes for this point, then what a single answer adds: the
        offices nearby, how far outside its county, the nearest office, or the swapped point."""
        near = near_index_of(self.ctx)
        k, home, km, is_near = self._measure(near, lat, lon)
        d = self.entry(int(self.point_keys([k], [home], [is_near])[0]))
        if d.status == "near_boundary" and max(k, home) >= 0:
            d = self.with_nearby_of(d, lon, lat, k, home)
        if k < 0 and home >= 0:
            d = self.with_distance(d, km)
        if d.status == "uncovered":
            d = self.with_nearest_office(d, lat, lon)
        if d.reason.code is ReasonCode.OUTSIDE_COUNTIES:
            d = self._swapped(d, lat, lon)
        return d

    def with_nearby_of(self, d: Decision, lon: float, lat: float, k: int, home: int) -> Decision:
        """A near_boundary point's decision (in county k, or outside with its home county) with
        the other territories within the tolerance of it (the batch's rows share these)."""
        skip = {k, home}
        nearby = [(self.fips[j], d_km) for j, d_km in near_index_of(self.ctx).within(lon, lat)
                  if j not in skip]  # fmt: skip
        return self.with_nearby(d, nearby, self.fips[k if k >= 0 else home])

    def _measure(self, near: NearIndex, lat: float, lon: float) -> tuple[int, int, float, bool]:
        """Where a point lies, as point_keys takes it: its county (-1 if none), else its home
        county within the tolerance and how far (-1 if none), and another group within reach."""
        x, y = np.array([lon]), np.array([lat])
        k = int(self.gaz.index.lookup(lat=y, lon=x)[0])
        if k >= 0:
            return k, -1, 0.0, bool(near.near_other(x, y, np.array([k], dtype=np.int32))[0])
        homes, kms = near.nearest(x, y)
        home, km = int(homes[0]), float(kms[0])
        group = self.county_group[[max(home, 0)]]
        return k, home, km, home >= 0 and bool(near.other_groups_within(x, y, group)[0])

    def _swapped(self, d: Decision, lat: float, lon: float) -> Decision:
        """A point far from every county, suggesting 'lat, lon' swapped if that is in a county."""
        if not (-90 <= lon <= 90 and -180 <= lat <= 180):
            return d
        if self.gaz.index.lookup_one(lat=lon, lon=lat) < 0:
            return d
        swapped = f"{lon}, {lat}"
        params = dict(d.reason.params, swapped=swapped)
        return replace(d, reason=Reason(d.reason.code, params), suggestions=(swapped,))

    def at_place_point(self, place: Place) -> Decision:
        """A populated place: what its own point gets (near_boundary within the boundaries'
        tolerance of another territory), as typing its coordinates would."""
        assert place.lat is not None and place.lon is not None
        return self.at_point_of(int(place.detail["geoplace"]), place.lat, place.lon, place.counties)

    def at_point_of(self, row: int, lat: float, lon: float, counties: Sequence[str]) -> Decision:
        """The populated place of this row at its point (see at_place_point): from its stored key
        when it has one (as for_point decides there), else for_point; in its own state."""
        key = int(self.place_keys()[row])
        d = self.entry(key) if key >= 0 else self.for_point(lat, lon)
        if key >= 0 and d.status == "uncovered":
            d = self.with_nearest_office(d, lat, lon)
        if d.status == "not_found":  # a point GeoNames puts off the coast: its county decides
            d = self.for_counties(counties)
        return self._in_own_state(d, counties)

    def place_alternative(self, label: str, p: GeoPlace) -> Alternative:
        """Another populated place of the name, as decided at its own point (not its county's:
        Matamoras in Pike County, PA lies across the Delaware, in New York's territory)."""
        d = self.at_point_of(p.row, p.lat, p.lon, [p.county_fips])
        ids = d.offices if d.reason.params.get("point_across") else d.responsible
        return Alternative(label, p.state, d.status, tuple(o.id for o in ids),
                           tuple(o.name for o in ids), 0, p.population)  # fmt: skip

    def for_geoplace(self, place: Place) -> Decision:
        """A populated place, and the others of its name in its state: the largest answers when it
        dominates (the others are alternatives), or when every one of them gets the same offices;
        else ambiguous."""
        d = self.at_place_point(place)
        same = place.detail.get("same_name") or []
        if not same:
            return d
        name = place.name.rsplit(", ", 1)[0]
        labels = [self._in_county(name, place.state or "", place.counties[0])]
        labels += [self._in_county(p.name, p.state, p.county_fips) for p in same]
        alts = [self.place_alternative(lb, p) for lb, p in zip(labels[1:], same, strict=True)]
        sizes = [int(place.detail.get("population") or 0)] + [p.population for p in same]
        if all(_same_answer(d, a) for a in alts):
            return self.with_alternatives(d, alts)
        if dominant(sizes):  # the others answer otherwise: the largest is a guess, not certain
            return self.with_alternatives(at_most(d, GUESS_OF_LARGEST), alts)
        first = Alternative(labels[0], place.state or "", d.status, tuple(o.id for o in d.responsible),
                            tuple(o.name for o in d.responsible), 0, sizes[0])  # fmt: skip
        return self.several_places(place.name, [first, *alts])

    def _in_county(self, name: str, state: str, fips: str) -> str:
        return f"{name} ({self.gaz.county_by_fips[fips].name}), {state}"

    def for_name(
        self, query: str, named: Sequence[Named], top: Place | None
    ) -> tuple[Place | None, Decision]:
        """A name without a state ("Houston", "Cook County"): the largest place of that name, top,
        when it clearly outranks the others (which come along as alternatives), else ambiguous
        with every candidate. Returns the place decided for (None when ambiguous)."""
        twice = {k for k, c in Counter((n.name, n.state) for n in named).items() if c > 1}

        def label(n: Named) -> str:  # two of one name in a state: by their counties, as typeable
            one = (n.name, n.state) in twice and len(n.counties) == 1
            return self._in_county(n.name, n.state, n.counties[0]) if one else n.name

        alts = [self.alternative(label(n), n.state, n.counties, n.zip_codes, n.population)
                for n in named]  # fmt: skip
        if top is not None and named_dominant(named):
            d = self.for_place(top)
            if any(a.offices != alts[0].offices for a in alts[1:]):
                d = at_most(d, GUESS_OF_LARGEST)
            return top, self.with_alternatives(d, alts[1:9])
        if (
            top is not None
            and alts
            and all(a.status == alts[0].status and a.offices == alts[0].offices for a in alts)
        ):
            return top, self.with_alternatives(self.for_place(top), alts[1:9])  # fmt: skip
        return None, self.several_places(query, alts)

    def for_misspelt(self, place: Place, others: Sequence[str] = ()) -> Decision:
        """A name the data does not know, read as the one close place: at most GUESS_CONFIDENCE,
        saying how it was read and naming the other candidates."""
        d = at_most(self.for_place(place), GUESS_CONFIDENCE)
        params = dict(d.reason.params, read_as=place.name)
        others = [o for o in others if o != place.name]
        if others:
            params["candidates"] = list(others)
        return replace(d, reason=Reason(d.reason.code, params),
                       suggestions=tuple(dict.fromkeys([place.name, *others])))  # fmt: skip

    def state_decides(self, usps: str) -> Decision | None:
        """The state's decision when the state alone decides: one office has every county, or
        every county has the same offices (overlap, as for_counties says only then: Florida)."""
        d = self.entry(self.state_key(usps)) if usps in self.states else None
        return d if d is not None and d.status in ("matched", "overlap") else None

    def for_unknown(
        self, query: str, usps: str, reading: Place | None, suggestions: Sequence[str]
    ) -> Decision:
        """A name the data does not know, in a state ("Foo, NV"). Where the state alone decides
        (state_decides: one office, or the same offices, in every county): the reading of it as a
        close place when there is one (at most GUESS_CONFIDENCE, naming the other candidates), else
        the state's offices, saying the place was not recognised (GUESS_CONFIDENCE, suggestions).
        Where it does not, a reading would pick an office the state does not: not_found, reading
        first among the suggestions. (Every place of a name getting one office is for_geoplace's.)"""
        base = self.state_decides(usps)
        if reading is not None:
            d = self.for_place(reading)
            if base is not None and _same_offices(d, base):
                return self.for_misspelt(reading, suggestions)
            suggestions = list(dict.fromkeys([reading.name, *suggestions]))
        if base is None:
            return self.nothing_matches(query, suggestions)
        params = dict(base.reason.params, unrecognised={"query": query, "state": usps})
        params.pop("whole_state", None)
        return replace(at_most(base, GUESS_CONFIDENCE), reason=Reason(base.reason.code, params),
                       suggestions=tuple(suggestions))  # fmt: skip

    def for_state_name(self, place: Place, named: Sequence[Named]) -> Decision:
        """A state's name that is also a major place's ("Washington", "New York"): the state,
        offering the places of that name of at least MAJOR_PLACE people; at most GUESS_CONFIDENCE
        where one of them has another office (the state is a reading, DC may be meant)."""
        d = self.for_place(place)
        alts = [self.alternative(n.name, n.state, n.counties, n.zip_codes, n.population)
                for n in named if n.place is not None and n.population >= MAJOR_PLACE][:5]  # fmt: skip
        d = d if all(_same_answer(d, a) for a in alts) else at_most(d, GUESS_CONFIDENCE)
        return self.with_alternatives(d, alts)

    def place_wins(self, q: Query) -> bool:
        """Is the query the populated place rather than the named area of the same words? Always
        when named as a compass area's words ("East New York, NY", "Central, LA"); never inside the
        area of its own name ("Edwards Air Force Base, CA": the base, not its housing); typed with
        its state ("West, TX", not "West Texas") when the area gets other offices."""
        if q.place is None or q.area is None:
            return False
        compass = q.area.kind == "compass" or fold(q.area.name).split()[0] in COMPASS
        if compass and (q.named_as_area or q.named_as_typed):
            return True
        inside = q.named_as_area and set(q.place.counties) <= set(q.area.counties)
        if inside or not q.named_as_typed:
            return False
        return not _same_offices(self.for_place(q.place), self.for_counties(q.area.counties))

    def for_area(
        self, area: Area, place: Place | None = None, others: Sequence[Named] = ()
    ) -> Decision:
        """A named area ("West Texas", "NYC"): its counties' decision, no more confident than the
        area's edge (its `confidence`), saying where the list comes from, with the place of the
        same words (if the query also names one) and `others` (the places a former county's name
        still means elsewhere: "Dade County" is also Dade County, GA) as alternatives."""
        d = self.for_counties(area.counties)
        if area.confidence is not None:
            d = at_most(d, cast(Confidence, area.confidence))
        params = dict(d.reason.params)
        if not (area.region and "weak" in params):  # else the caveat already names the source
            params["area"] = {"name": area.name, "source": area.source}
        alternatives = []
        if place is not None:
            name = place.name.rsplit(", ", 1)[0]
            size = len(place.detail.get("zips", ()))
            pop = int(place.detail.get("population") or 0)
            alternatives.append(
                self.alternative(name, place.state or "", place.counties, size, pop)
            )
        alternatives += [self.alternative(n.name, n.state, n.counties, n.zip_codes, n.population)
                         for n in others if set(n.counties) != set(area.counties)]  # fmt: skip
        if others and any(a.offices != tuple(o.id for o in d.responsible) for a in alternatives):
            d = at_most(d, GUESS_OF_LARGEST)  # the other places of the name get other offices
        return self.with_alternatives(replace(d, reason=Reason(d.reason.code, params)), alternatives)  # fmt: skip

    def unknown_zip(self) -> Decision:
        """Five digits (or ZIP+4) that no ZIP code has."""
        return self.entry(self.fixed_key(ReasonCode.UNKNOWN_ZIP))

    # -- names that several places share ---------------------------------------------------------
    def alternative(self, name: str, state: str, counties: Sequence[str], zip_codes: int,
                    population: int = 0) -> Alternative:  # fmt: skip
        """Another place a query may mean, with its offices ("Woodlawn (Carroll County), VA")."""
        if len(counties) == 1:  # one county's decision is memoised, as for a point in it
            d = self.entry(self.county_index[counties[0]])
        elif counties:
            d = self.for_counties(counties)
        else:
            d = self.entry(self.no_county_key(state, name))
        label = name if name.endswith(f", {state}") else f"{name}, {state}"
        return Alternative(label, state, d.status, tuple(o.id for o in d.responsible),
                           tuple(o.name for o in d.responsible), zip_codes, population)  # fmt: skip

    def with_alternatives(self, d: Decision, alternatives: Sequence[Alternative]) -> Decision:
        """An answer for the likeliest place, naming the others it could have been."""
        if not alternatives:
            return d
        params = dict(d.reason.params, alternatives=[_alternative_param(a) for a in alternatives])
        return replace(d, reason=Reason(d.reason.code, params), alternatives=tuple(alternatives),
                       suggestions=tuple(a.name for a in alternatives))  # fmt: skip

    def several_places(self, name: str, alternatives: Sequence[Alternative]) -> Decision:
        """A name without a state that no one place clearly owns: ambiguous, with every candidate."""
        params = {"name": name, "alternatives": [_alternative_param(a) for a in alternatives]}
        return Decision("ambiguous", Reason(ReasonCode.SEVERAL_PLACES, params),
                        alternatives=tuple(alternatives),
                        suggestions=tuple(a.name for a in alternatives))  # fmt: skip

    # -- text that names no place ------------------------------------------------------------------
    def nothing_matches(self, query: str, suggestions: Sequence[str]) -> Decision:
        reason = Reason(
            ReasonCode.NOTHING_MATCHES, {"query": query, "suggestions": list(suggestions)}
        )
        return Decision("not_found", reason, suggestions=tuple(suggestions))

    def unreadable(self, message: str) -> Decision:
        """Input that cannot be a place; the message is the parser's, saying what was wrong."""
        return Decision("invalid", Reason(ReasonCode.UNREADABLE, {"message": message}))
