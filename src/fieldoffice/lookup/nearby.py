"""What a single lookup adds to its key's decision: the offices nearby and how far, how far outside
its county a point is, how far a ZIP may reach, and the nearest office to an uncovered place.
(The decider, decide.py, builds on this; batch answers need none of it.)"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import replace
from functools import cached_property
from typing import Any

import numpy as np
import numpy.typing as npt

from fieldoffice.core.answer import Decision, OfficeRef, Reason
from fieldoffice.core.text import fold
from fieldoffice.directory.context import Context
from fieldoffice.geo.near import NearIndex
from fieldoffice.lookup.keys import Keys
from fieldoffice.lookup.offices import office_ref

EARTH_KM = 6371.0088
# Past this distance the nearest office is no help (Guam -> Seattle is 9,127 km): the answer says
# no office is near and gives the national line instead.
NEAREST_OFFICE_MAX_KM = 1000.0

F64 = npt.NDArray[np.float64]
I32 = npt.NDArray[np.int32]


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

    @cached_property
    def claim_class(self) -> npt.NDArray[np.int32]:
        """Per county, an id shared by every county with the very same claims in the same order
        (0: no claims): what `with_nearby` adds from a nearby county depends on nothing else."""
        ids: dict[tuple[str, ...], int] = {(): 0}
        out = np.empty(self.n, dtype=np.int32)
        for k, f in enumerate(self.fips):
            out[k] = ids.setdefault(tuple(c.office_id for c in self.terr.claims(f)), len(ids))
        return out

    def nearby_signatures(
        self, near: NearIndex, x: F64, y: F64, county: I32, home: I32
    ) -> npt.NDArray[np.int64]:
        """Per near_boundary point (see Decider.for_point: in `county`, or outside with `home`),
        a number that is equal for two points of one key exactly when `with_nearby` names the same
        offices for them: the claims of the nearby counties of other groups, nearest first, each
        once (0: none). Over arrays, for the batch; one point's is `with_nearby`'s own rule."""
        mine = np.where(county >= 0, county, home)
        who, c, _km = near.within_many(x, y)
        cls = self.claim_class[c]
        keep = (c != county[who]) & (c != home[who]) & (cls != 0)
        keep &= self.county_group[c] != self.county_group[mine[who]]
        who, cls = who[keep], cls[keep].astype(np.int64)
        base = int(self.claim_class.max()) + 1
        # each class once per point, in the order first met
        _, firsts = np.unique(who * base + cls, return_index=True)
        firsts.sort()
        who, cls = who[firsts], cls[firsts]
        rank = np.arange(len(who)) - np.searchsorted(who, who)
        per_code = max(1, 62 // max(1, base.bit_length()))
        out = np.zeros(len(x), dtype=np.int64)
        short = rank < per_code
        np.add.at(out, who[short], cls[short] * base ** rank[short])
        long = np.unique(who[~short])  # more classes than a number holds: their own numbers
        for n, i in enumerate(long.tolist()):
            out[i] = -1 - n
        return out

    def with_zip_reach(self, d: Decision, zip5: str) -> Decision:
        """A ZIP that reaches across a line: the other territories its area reaches, first those
        the Census puts part of it in (by FIPS), then the one the spacing estimate reaches (if
        another), and how far a ZIP here extends."""
        n = int(zip5)
        spread = self.zip_spread
        home = d.counties[0].fips
        group = self.county_group
        census = [f for f in self.gaz.zip_reach(zip5)
                  if group[self.county_index[f]] != group[self.county_index[home]]]  # fmt: skip
        nearby = [(f, 0.0) for f in census]
        other = int(spread["other_county"][n])
        if other >= 0 and self.fips[other] not in census:
            nearby.append((self.fips[other], float(spread["other_km"][n])))
        d = self.with_nearby(d, nearby, home)
        notes = [dict(x, census=True) if x["county"]["fips"] in census else x
                 for x in d.reason.params.get("nearby", [])]  # fmt: skip
        offices = tuple(replace(o, distance_km=None) if o.side == "nearby" and o.county in census
                        else o for o in d.offices)  # fmt: skip
        params = dict(d.reason.params, nearby=notes, zip=zip5,
                      reach_km=round(float(spread["reach_km"][n]), 1))  # fmt: skip
        if census:
            params["census"] = self.gaz.zip_counties_version.get("vintage", "")
        return replace(d, offices=offices, reason=Reason(d.reason.code, params))

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
            pts = [(z.lat, z.lon) for z in self.gaz.place_zips(o.state, fold(o.city))
                   if z.lat is not None and z.lon is not None]  # fmt: skip
            if pts:
                out[o.id] = (sum(p[0] for p in pts) / len(pts), sum(p[1] for p in pts) / len(pts))
        return out
