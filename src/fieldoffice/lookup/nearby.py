"""What a single lookup adds to its key's decision: the offices nearby and how far, how far outside
its county a point is, how far a ZIP may reach, and the nearest office to an uncovered place.
(The decider, decide.py, builds on this; batch answers need none of it.)"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import replace
from functools import cached_property
from typing import Any

from fieldoffice.core.answer import Decision, OfficeRef, Reason
from fieldoffice.directory.context import Context
from fieldoffice.lookup.keys import Keys
from fieldoffice.lookup.offices import office_ref

EARTH_KM = 6371.0088
# Past this distance the nearest office is no help (Guam -> Seattle is 9,127 km): the answer says
# no office is near and gives the national line instead.
NEAREST_OFFICE_MAX_KM = 1000.0


def great_circle_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_KM * math.asin(min(1.0, math.sqrt(h)))


class Additions(Keys):
    """The additions, over a context's key numbering (the decider's Rules build on them)."""

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        self.offices = {o.id: o for o in ctx.directory.offices}

    def _county_param(self, fips: str) -> dict[str, str]:
        c = self.gaz.county_by_fips[fips]
        return {"fips": fips, "label": c.label}

    def _office_param(self, oid: str, phrases: list[str]) -> dict[str, Any]:
        o = self.offices[oid]
        return {"id": oid, "name": o.name, "aor": o.aor, "phrases": phrases}

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
