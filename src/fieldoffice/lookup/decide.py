"""The one place that decides an answer's status, offices, confidence and reason code.

A located thing is a set of counties (a state, a city, a county), a ZIP code, or a point with what
geometry found around it (the county it is in or just outside, and whether another territory lies
within the boundary data's precision). Nothing here writes English: wording.py does.

Single lookups and batch share the rules through *keys*. Every point and ZIP outcome is one key
(county k as it is, county k near another territory, just outside county k, a fixed outcome such as
"military ZIP"...). `point_keys` and `zip_key` pick keys: the batch calls them on arrays of millions
of rows, the locator on arrays of one. `entry(key)` is the Decision for a key, made by the same
scalar rules (`for_counties`) that decide a state or a city. So batch and single cannot disagree.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import replace
from functools import cached_property
from typing import Any, cast

import numpy as np
import numpy.typing as npt

from fieldoffice.core.answer import (
    Alternative,
    ClaimRef,
    CountyRef,
    Decision,
    OfficeRef,
    Reason,
    ReasonCode,
)
from fieldoffice.core.models import CONFIDENCE_RANK, Claim, Confidence, Status, weakest
from fieldoffice.directory.context import Context
from fieldoffice.geo.gazetteer import Zip
from fieldoffice.lookup.named_areas import Area
from fieldoffice.lookup.offices import office_ref

EARTH_KM = 6371.0088
# Past this distance the nearest office is no help (Guam -> Seattle is 9,127 km): the answer says
# no office is near and gives the national line instead.
NEAREST_OFFICE_MAX_KM = 1000.0
MILITARY_STATES = ("AA", "AE", "AP")
MILITARY_POST_OFFICES = ("APO", "FPO", "DPO")
ASSOCIATED_STATES = ("FM", "MH", "PW")  # Micronesia, Marshall Islands, Palau

# Key blocks over counties (n of them), then fixed outcomes, then one key per state for ZIPs
# that have no county and so answer for their whole state.
INSIDE, INSIDE_NEAR, OUTSIDE_NEAR, OUTSIDE_ALONE, ZIP_REACHES = range(5)
BLOCKS = 5
FIXED: tuple[tuple[Status, ReasonCode], ...] = (
    ("not_found", ReasonCode.OUTSIDE_COUNTIES),
    ("not_found", ReasonCode.UNKNOWN_ZIP),
    ("not_found", ReasonCode.MILITARY_ZIP),
    ("not_found", ReasonCode.ASSOCIATED_STATE_ZIP),
    ("not_found", ReasonCode.NO_COUNTY),
    ("invalid", ReasonCode.BAD_NUMBER),
    ("invalid", ReasonCode.OUT_OF_RANGE),
    ("invalid", ReasonCode.MISSING),
    ("invalid", ReasonCode.BAD_ZIP),
)

I32 = npt.NDArray[np.int32]


def great_circle_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_KM * math.asin(min(1.0, math.sqrt(h)))


def _alternative_param(a: Alternative) -> dict[str, Any]:
    return {"name": a.name, "offices": list(a.office_names), "status": a.status}


def decider(ctx: Context) -> Decider:
    """The Decider of a context, made once."""
    return ctx.memo("decider", lambda: Decider(ctx))


class Decider:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.gaz = ctx.gazetteer
        self.terr = ctx.territories
        self.offices = {o.id: o for o in ctx.directory.offices}
        self.fips = [c.fips for c in self.gaz.counties]
        self.n = len(self.fips)
        self.county_index = {f: k for k, f in enumerate(self.fips)}
        self.states = sorted({c.state for c in self.gaz.counties})
        self._entries: dict[int, Decision] = {}

    # -- groups: counties with the same set of offices ---------------------------------------------
    @cached_property
    def county_group(self) -> I32:
        """Per county, an id shared by every county claimed by exactly the same offices."""
        ids: dict[frozenset[str], int] = {frozenset(): 0}
        out = np.empty(self.n, dtype=np.int32)
        for k, f in enumerate(self.fips):
            out[k] = ids.setdefault(self.terr.offices_of(f), len(ids))
        return out

    @cached_property
    def county_has_office(self) -> npt.NDArray[np.bool_]:
        return np.array([bool(self.terr.offices_of(f)) for f in self.fips], dtype=bool)

    # -- keys -------------------------------------------------------------------------------------
    @property
    def n_keys(self) -> int:
        return BLOCKS * self.n + len(FIXED) + len(self.states)

    def fixed_key(self, code: ReasonCode) -> int:
        return BLOCKS * self.n + [c for _, c in FIXED].index(code)

    def state_key(self, usps: str) -> int:
        return BLOCKS * self.n + len(FIXED) + self.states.index(usps)

    def point_keys(
        self,
        county: npt.ArrayLike,
        home: npt.ArrayLike,
        near: npt.ArrayLike,
    ) -> I32:
        """The rule for points, over arrays.

        county: the county a point is in, or -1 if in none; home: for a point in none, the nearest
        county within the boundary tolerance (-1 if none); near: is a county of another group (than
        county, or than home for a point outside) within the tolerance.
        A point inside a county near another territory is near_boundary; a point just outside every
        county belongs to the nearest one, near_boundary when that or another nearby county has an
        office, uncovered when none has; a point far from every county is not found.
        """
        c = np.asarray(county, dtype=np.int32)
        h = np.asarray(home, dtype=np.int32)
        nr = np.asarray(near, dtype=bool)
        n = np.int32(self.n)
        keys = c + nr.astype(np.int32) * (n * INSIDE_NEAR)  # points inside a county (most)
        out = np.flatnonzero(c < 0)
        if len(out):
            ho, no = h[out], nr[out]
            safe_h = np.where(ho >= 0, ho, 0)
            reaches_office = self.county_has_office[safe_h] | no
            block = np.where(reaches_office, n * OUTSIDE_NEAR, n * OUTSIDE_ALONE)
            keys[out] = np.where(
                ho >= 0, safe_h + block, self.fixed_key(ReasonCode.OUTSIDE_COUNTIES)
            )
        return keys

    def zip_key(self, z: Zip) -> int:
        """The rule for a ZIP code: its county (near_boundary if its area may reach another
        office's territory, see zipspread.py), or why it has none."""
        if z.county_fips:
            k = self.county_index[z.county_fips]
            reaches = self.zip_spread["other_county"][int(z.zip)] >= 0
            return k + self.n * ZIP_REACHES if reaches else k
        return self.no_county_key(z.state, z.city)

    @property
    def zip_spread(self) -> dict[str, npt.NDArray[Any]]:
        """Per 5-digit number, the nearest county of another group within the ZIP's reach."""
        from fieldoffice.lookup.zipspread import build_zip_spread

        return self.ctx.derived_arrays(
            "zip-spread", lambda: build_zip_spread(self.ctx, self.county_group)
        )

    def no_county_key(self, state: str, city: str) -> int:
        """A place or ZIP the data gives no county: military mail, a freely associated state, or
        else its whole state."""
        if state in MILITARY_STATES or city.upper() in MILITARY_POST_OFFICES:
            return self.fixed_key(ReasonCode.MILITARY_ZIP)
        if state in ASSOCIATED_STATES:
            return self.fixed_key(ReasonCode.ASSOCIATED_STATE_ZIP)
        if state in self.states:
            return self.state_key(state)
        return self.fixed_key(ReasonCode.NO_COUNTY)

    @cached_property
    def zip_keys(self) -> I32:
        """Key per 5-digit number (index = the ZIP as an integer); UNKNOWN_ZIP where there is none."""
        table = np.full(100_000, self.fixed_key(ReasonCode.UNKNOWN_ZIP), dtype=np.int32)
        for z in self.gaz.zips.values():
            table[int(z.zip)] = self.zip_key(z)
        return table

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
        if block == ZIP_REACHES:
            base = self.for_counties([self.fips[k]])
            return self._near(base, ReasonCode.ZIP_MAY_CROSS, self.fips[k])
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
        if rest < len(FIXED):
            status, code = FIXED[rest]
            return Decision(status=status, reason=Reason(code))
        usps = self.states[rest - len(FIXED)]
        return self.for_counties([c.fips for c in self.gaz.state_counties(usps)], whole_state=usps)

    def _near(self, base: Decision, code: ReasonCode, fips: str) -> Decision:
        inside = tuple(replace(o, side="inside", distance_km=0.0) for o in base.offices)
        params = {
            "county": self._county_param(fips),
            "offices": [self._office_param(o.id, list(o.phrases)) for o in base.offices],
            "tolerance_km": self.gaz.tolerance_km,
            "base": {"code": base.reason.code.value, "params": base.reason.params},
        }
        return replace(base, status="near_boundary", offices=inside, reason=Reason(code, params))

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
        status: Status
        per_office: dict[str, list[str]] = defaultdict(list)
        for ids, members in groups.items():
            for oid in ids:
                per_office[oid].extend(members)
        order = sorted(per_office, key=lambda o: (-len(per_office[o]), o))
        phrases = {
            oid: sorted({c.phrase for _, c in claims if c.office_id == oid}) for oid in order
        }
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

    def for_area(self, area: Area, alternatives: Sequence[Alternative] = ()) -> Decision:
        """A named area ("West Texas", "NYC"): its counties' decision, saying where the list comes
        from, with any place of the same name as an alternative."""
        d = self.for_counties(area.counties)
        params = dict(d.reason.params)
        if not (area.region and "weak" in params):  # else the caveat already names the source
            params["area"] = {"name": area.name, "source": area.source}
        return self.with_alternatives(
            replace(d, reason=Reason(d.reason.code, params)), alternatives
        )

    # -- names that several places share ---------------------------------------------------------
    def alternative(self, name: str, state: str, counties: Sequence[str], zip_codes: int) -> Alternative:  # fmt: skip
        """Another place a query may mean, with the offices that answer for it."""
        if len(counties) == 1:  # one county's decision is memoised, as for a point in it
            d = self.entry(self.county_index[counties[0]])
        elif counties:
            d = self.for_counties(counties)
        else:
            d = self.entry(self.no_county_key(state, name))
        return Alternative(f"{name}, {state}", state, d.status, tuple(o.id for o in d.responsible),
                           tuple(o.name for o in d.responsible), zip_codes)  # fmt: skip

    def with_alternatives(self, d: Decision, alternatives: Sequence[Alternative]) -> Decision:
        """An answer for the likeliest place, naming the others it could have been."""
        if not alternatives:
            return d
        params = dict(d.reason.params, alternatives=[_alternative_param(a) for a in alternatives])
        return replace(d, reason=Reason(d.reason.code, params), alternatives=tuple(alternatives),
                       suggestions=tuple(a.name for a in alternatives))  # fmt: skip

    def read_as(self, d: Decision, name: str) -> Decision:
        """A misspelt name read as the one close place: the answer says how it was read."""
        return replace(d, reason=Reason(d.reason.code, dict(d.reason.params, read_as=name)))

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

    # -- what a single lookup adds to a key's decision ------------------------------------------
    def with_nearby(self, d: Decision, nearby: Sequence[tuple[str, float]], home: str) -> Decision:
        """A near_boundary decision with the other territories found within the tolerance."""
        mine = self.terr.offices_of(home)
        seen = {o.id for o in d.offices}
        refs: list[OfficeRef] = []
        notes: list[dict[str, Any]] = []
        for fips, km in nearby:
            if self.terr.offices_of(fips) == mine:
                continue
            claims = self.terr.claims(fips)
            if not claims:
                notes.append(
                    {"office": None, "county": self._county_param(fips), "km": round(km, 2)}
                )
            for claim in claims:
                if claim.office_id in seen:
                    continue
                seen.add(claim.office_id)
                ref = office_ref(self.ctx.directory, self.offices[claim.office_id])
                refs.append(replace(ref, side="nearby", distance_km=round(km, 2), county=fips,
                                    phrases=(claim.phrase,)))  # fmt: skip
                notes.append({"office": self._office_param(claim.office_id, [claim.phrase]),
                              "county": self._county_param(fips), "km": round(km, 2)})  # fmt: skip
        params = dict(d.reason.params, nearby=notes)
        return replace(d, offices=d.offices + tuple(refs), reason=Reason(d.reason.code, params))

    def with_zip_reach(self, d: Decision, zip5: str) -> Decision:
        """A ZIP that may cross a line: which other territory it may reach, and how far it reaches."""
        n = int(zip5)
        spread = self.zip_spread
        other = int(spread["other_county"][n])
        home = d.counties[0].fips
        d = self.with_nearby(d, [(self.fips[other], float(spread["other_km"][n]))], home)
        params = dict(d.reason.params, reach_km=round(float(spread["reach_km"][n]), 1), zip=zip5)
        return replace(d, reason=Reason(d.reason.code, params))

    def with_distance(self, d: Decision, km: float) -> Decision:
        """A point just outside its home county: how far outside."""
        return replace(d, reason=Reason(d.reason.code, dict(d.reason.params, km=round(km, 2))))

    def with_nearest_office(
        self,
        d: Decision,
        lat: float | None,
        lon: float | None,
        *,
        max_km: float = NEAREST_OFFICE_MAX_KM,
    ) -> Decision:
        """An uncovered answer with the office nearest to where the place is; past `max_km`, no
        office: the reason says none is near (params `no_office_near`) and gives the national line."""
        if lat is None or lon is None:
            return d
        best: tuple[float, str] | None = None
        for oid, pos in self.office_positions.items():
            km = great_circle_km(lat, lon, *pos)
            if best is None or km < best[0]:
                best = (km, oid)
        if best is None:
            return d
        if best[0] > max_km:
            media = self.ctx.directory.media
            far = {"max_km": max_km, "nearest_km": round(best[0], 1)}
            params = dict(d.reason.params, no_office_near=far,
                          national_line=d.reason.params.get("national_line") or media.phone or media.email)  # fmt: skip
            return replace(d, nearest_office=None, reason=Reason(d.reason.code, params))
        ref = replace(
            office_ref(self.ctx.directory, self.offices[best[1]]), distance_km=round(best[0], 1)
        )
        nearest = {"name": ref.name, "city": ref.city, "state": ref.state, "km": ref.distance_km}
        params = dict(d.reason.params, nearest=nearest)
        return replace(d, nearest_office=ref, reason=Reason(d.reason.code, params))

    @cached_property
    def office_positions(self) -> dict[str, tuple[float, float]]:
        """Where each office is: its own coordinates, else the middle of its city's ZIP codes."""
        out = {}
        for o in self.ctx.directory.offices:
            if o.lat is not None and o.lon is not None:
                out[o.id] = (o.lat, o.lon)
                continue
            pts = [(z.lat, z.lon) for z in self.gaz.place_zips(o.state, o.city)
                   if z.lat is not None and z.lon is not None]  # fmt: skip
            if pts:
                out[o.id] = (sum(p[0] for p in pts) / len(pts), sum(p[1] for p in pts) / len(pts))
        return out

    # -- parameters: plain values, so any door can word them --------------------------------------
    def _county_param(self, fips: str) -> dict[str, str]:
        c = self.gaz.county_by_fips[fips]
        return {"fips": fips, "label": c.label}

    def _office_param(self, oid: str, phrases: list[str]) -> dict[str, Any]:
        o = self.offices[oid]
        return {"id": oid, "name": o.name, "aor": o.aor, "phrases": phrases}

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
