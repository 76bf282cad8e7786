"""Query text or coordinates -> Answer. The one place that decides statuses and says why."""

from __future__ import annotations

import math
from collections import defaultdict
from functools import cached_property
from typing import Any

import numpy as np
import shapely
from shapely.ops import nearest_points

from fieldoffice.context import Context
from fieldoffice.directory import office_card
from fieldoffice.errors import InvalidInput
from fieldoffice.geo.index import check_coordinates
from fieldoffice.models import Answer, Claim, Office, weakest
from fieldoffice.query import EXPECTED_FORMS, Place, Understander

EARTH_KM = 6371.0088


def great_circle_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_KM * math.asin(min(1.0, math.sqrt(h)))


def possessive(name: str) -> str:
    return f"{name}'" if name.endswith("s") else f"{name}'s"


def _quote(phrases: list[str]) -> str:
    return " and ".join(f"'{p}'" for p in phrases)


class Locator:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.gaz = ctx.gazetteer
        self.terr = ctx.territories
        self.understander = Understander(ctx.gazetteer)
        self.offices = {o.id: o for o in ctx.directory.offices}

    # -- entry points -------------------------------------------------------------------------
    def locate(self, query: str) -> Answer:
        try:
            place = self.understander.understand(query)
        except InvalidInput as exc:
            return self._invalid(query, exc)
        if place is None:
            return self._not_found(query)
        if place.kind == "point":
            assert place.lat is not None and place.lon is not None
            return self.locate_point(lat=place.lat, lon=place.lon, query=query)
        return self._decide(query, place)

    def locate_point(self, *, lat: float, lon: float, query: str | None = None) -> Answer:
        q = query if query is not None else f"{lat}, {lon}"
        try:
            check_coordinates(lat, lon)
        except InvalidInput as exc:
            return self._invalid(q, exc)
        place = self.understander.point(lat, lon)
        k = self.gaz.index.lookup_one(lat=lat, lon=lon)
        near = self._counties_near(lat, lon)
        if k < 0:
            if not near:
                swapped = self._swapped_hint(lat, lon)
                if swapped:
                    return self._answer(
                        q, "not_found", place, [],
                        f"{place.name} is not inside any US county. Did you mean {swapped} "
                        "(latitude first)?", suggestions=[swapped],
                    )  # fmt: skip
                return self._answer(
                    q,
                    "not_found",
                    place,
                    [],
                    f"{place.name} is not inside any US county or territory in the boundary data",
                    suggestions=[],
                )
            fips, dist = near[0]
            place.counties = [fips]
            county = self.gaz.county_by_fips[fips]
            answer = self._decide(q, place)
            answer.status = "near_boundary"
            answer.reason = (
                f"{place.name} lies just outside {county.label} ({dist:.1f} km), within the "
                f"boundary data's precision of {self.gaz.tolerance_km:g} km. " + answer.reason
            )
            return answer
        fips = self.gaz.counties[k].fips
        place.counties = [fips]
        place.state = self.gaz.counties[k].state
        answer = self._decide(q, place)
        mine = self.terr.offices_of(fips)
        others = [(f, d) for f, d in near if self.terr.offices_of(f) != mine]
        if others and answer.status in ("matched", "uncovered", "overlap"):
            return self._near_boundary(answer, place, fips, others)
        return answer

    # -- deciding -----------------------------------------------------------------------------
    def _decide(self, q: str, place: Place) -> Answer:
        if not place.counties:
            state_counties = [c.fips for c in self.gaz.state_counties(place.state or "")]
            if state_counties:
                place.counties = state_counties
                answer = self._decide(q, place)
                answer.reason = (
                    f"{place.name} has no county in the data, so this answers for all of "
                    f"{place.state}. " + answer.reason
                )
                return answer
            why = f"{place.name} has no county in the data"
            if place.state in ("AA", "AE", "AP"):
                why = f"ZIP {place.name} is a military (APO/FPO/DPO) address, outside every county"
            elif place.state in ("FM", "MH", "PW"):
                why = f"ZIP {place.name} is in a freely associated state, outside the county data"
            return self._answer(q, "not_found", place, [], why)
        groups: dict[frozenset[str], list[str]] = defaultdict(list)
        for f in place.counties:
            groups[self.terr.offices_of(f)].append(f)
        claims = [c for f in place.counties for c in self.terr.claims(f)]
        confidence = weakest([c.confidence for c in claims])
        if len(groups) == 1:
            (ids,) = groups
            if not ids:
                return self._uncovered(q, place)
            if len(ids) == 1:
                (oid,) = ids
                reason = self._matched_reason(place, oid, claims)
                return self._answer(q, "matched", place, [oid], reason, confidence=confidence)
            reason = self._overlap_reason(place, sorted(ids), claims)
            return self._answer(q, "overlap", place, sorted(ids), reason, confidence=confidence)
        return self._split(q, place, groups, claims, confidence)

    def _where(self, place: Place) -> str:
        if len(place.counties) == 1 and place.kind != "county":
            county = self.gaz.county_by_fips[place.counties[0]]
            return f"{place.name} ({county.label})"
        return place.name

    def _matched_reason(self, place: Place, oid: str, claims: list[Claim]) -> str:
        office = self.offices[oid]
        phrases = sorted({c.phrase for c in claims})
        reason = f'{self._where(place)} is in {_quote(phrases)}, part of the {possessive(office.name)} AOR ("{office.aor}").'
        return reason + self._caveat(claims)

    def _caveat(self, claims: list[Claim]) -> str:
        weak = [c for c in claims if c.confidence != "high" and c.region_id]
        if not weak:
            return ""
        c = min(weak, key=lambda c: ("low", "medium", "medium-high").index(c.confidence))
        region = self.ctx.regions[c.region_id] if c.region_id else None
        why = c.note or (region.source if region else "")
        return f" The county list behind '{c.phrase}' has {c.confidence} confidence" + (
            f": {why}." if why else "."
        )

    def _overlap_reason(self, place: Place, ids: list[str], claims: list[Claim]) -> str:
        parts = []
        for oid in ids:
            phrases = sorted({c.phrase for c in claims if c.office_id == oid})
            parts.append(f"{self.offices[oid].name} ({_quote(phrases)})")
        return (
            f"{self._where(place)} is claimed by {len(ids)} offices: {' and '.join(parts)}. "
            "The directory does not say how they divide it, so contact either."
        )

    def _split(
        self,
        q: str,
        place: Place,
        groups: dict[frozenset[str], list[str]],
        claims: list[Claim],
        confidence: str | None,
    ) -> Answer:
        per_office: dict[str, list[str]] = defaultdict(list)
        for ids, fipses in groups.items():
            for oid in ids:
                per_office[oid].extend(fipses)
        order = sorted(per_office, key=lambda o: (-len(per_office[o]), o))
        parts = []
        for oid in order:
            phrases = sorted({c.phrase for c in claims if c.office_id == oid})
            n = len(per_office[oid])
            parts.append(
                f"{self.offices[oid].name}: {n} {'county' if n == 1 else 'counties'} ({_quote(phrases)})"
            )
        if len(order) > 1:
            reason = f"{place.name} spans the territories of {len(order)} offices. "
        else:
            reason = f"{place.name} is only partly covered. "
        reason += "; ".join(parts) + "."
        uncovered = groups.get(frozenset(), [])
        if uncovered:
            reason += f" {len(uncovered)} of its counties are in no office's AOR."
        if any(len(ids) > 1 for ids in groups):
            reason += " Some of its counties are claimed by more than one office."
        answer = self._answer(q, "split", place, order, reason, confidence=confidence)
        for ref in answer.offices:
            ref["counties"] = sorted(per_office[ref["id"]])
        return answer

    def _uncovered(self, q: str, place: Place) -> Answer:
        nearest = self._nearest_office(place)
        media = self.ctx.directory.media
        reason = f"{self._where(place)} is in no office's AOR in this directory."
        if place.state:
            covered = sorted(
                {
                    c.phrase
                    for x in self.gaz.state_counties(place.state)
                    for c in self.terr.claims(x.fips)
                }
            )
            if covered:
                reason += f" In {place.state} the directory covers only {_quote(covered)}."
        if nearest is not None:
            reason += (
                f" The nearest office is the {nearest['name']} in {nearest['city']}, {nearest['state']} "
                f"({nearest['distance_km']:.0f} km away)."
            )
        reason += f" The national media line is {media.phone or media.email}."
        answer = self._answer(q, "uncovered", place, [], reason)
        answer.nearest_office = nearest
        return answer

    def _near_boundary(
        self, answer: Answer, place: Place, fips: str, others: list[tuple[str, float]]
    ) -> Answer:
        county = self.gaz.county_by_fips[fips]
        inside = [dict(o, side="inside", distance_km=0.0) for o in answer.offices]
        seen = {o["id"] for o in answer.offices}
        nearby: list[dict[str, Any]] = []
        notes = []
        for other, dist in others:
            for claim in self.terr.claims(other):
                if claim.office_id in seen:
                    continue
                seen.add(claim.office_id)
                ref = self._office_ref(self.offices[claim.office_id])
                ref.update(
                    side="nearby", distance_km=round(dist, 2), county=other, phrases=[claim.phrase]
                )
                nearby.append(ref)
                notes.append(
                    f"{ref['name']} ('{claim.phrase}', {self.gaz.county_by_fips[other].label}) "
                    f"is {dist:.1f} km away"
                )
        mine = " and ".join(o["name"] for o in inside) or "no office"
        answer.status = "near_boundary"
        answer.offices = inside + nearby
        answer.reason = (
            f"{place.name} is in {county.label} ({mine}), but "
            f"{'; '.join(notes) or 'an area with no office is nearby'}: closer than the boundary "
            f"data's precision ({self.gaz.tolerance_km:g} km), so either side may be responsible. "
            + answer.reason
        )
        return answer

    # -- building answers ---------------------------------------------------------------------
    def _office_ref(self, office: Office) -> dict[str, Any]:
        return office_card(self.ctx.directory, office)

    def _answer(
        self,
        q: str,
        status: Any,
        place: Place | None,
        office_ids: list[str],
        reason: str,
        *,
        confidence: str | None = None,
        suggestions: list[str] | None = None,
    ) -> Answer:
        counties = []
        offices = []
        if place is not None:
            for f in place.counties:
                c = self.gaz.county_by_fips[f]
                cl = self.terr.claims(f)
                counties.append(
                    {
                        "fips": f,
                        "name": c.name,
                        "state": c.state,
                        "offices": sorted({x.office_id for x in cl}),
                        "phrases": sorted({x.phrase for x in cl}),
                    }
                )
            claims = [c for f in place.counties for c in self.terr.claims(f)]
            for oid in office_ids:
                ref = self._office_ref(self.offices[oid])
                ref["phrases"] = sorted({c.phrase for c in claims if c.office_id == oid})
                offices.append(ref)
        media = self.ctx.directory.media
        warnings = [n.text for n in self.ctx.directory.notices if n.kind == "scam"]
        return Answer(
            query=q,
            status=status,
            reason=reason,
            location=place.to_dict() if place is not None else None,
            counties=counties,
            offices=offices,
            confidence=confidence,
            suggestions=suggestions or [],
            national_contact={
                "name": media.name,
                "phone": media.phone,
                "email": media.email,
                "warnings": warnings,
            },
        )

    def _invalid(self, q: str, exc: InvalidInput) -> Answer:
        text = str(exc)
        return self._answer(q, "invalid", None, [], text[:1].upper() + text[1:])

    def _not_found(self, q: str) -> Answer:
        sugg = self.understander.suggestions(q)
        reason = f"Nothing matches {q!r}. Type {EXPECTED_FORMS}."
        if sugg:
            reason += " Did you mean: " + "; ".join(sugg) + "?"
        return self._answer(q, "not_found", None, [], reason, suggestions=sugg)

    def _swapped_hint(self, lat: float, lon: float) -> str | None:
        """'lat, lon' for the swapped point, if that one is in a US county."""
        if not (-90 <= lon <= 90 and -180 <= lat <= 180):
            return None
        if self.gaz.index.lookup_one(lat=lon, lon=lat) < 0:
            return None
        return f"{lon}, {lat}"

    # -- geometry helpers -----------------------------------------------------------------------
    @cached_property
    def _tree(self) -> shapely.STRtree:
        return shapely.STRtree(self.gaz.polygons)

    def _counties_near(self, lat: float, lon: float) -> list[tuple[str, float]]:
        """Counties whose boundary is within the data's precision of the point, nearest first."""
        tol = self.gaz.tolerance_km
        deg = tol / 111.0 / max(math.cos(math.radians(lat)), 0.05)
        pt = shapely.Point(lon, lat)
        out = []
        for k in np.asarray(self._tree.query(pt, predicate="dwithin", distance=deg)).tolist():
            poly = self.gaz.polygons[k]
            if poly.covers(pt):
                d = great_circle_km(lat, lon, *_latlon(nearest_points(poly.boundary, pt)[0]))
            else:
                d = great_circle_km(lat, lon, *_latlon(nearest_points(poly, pt)[0]))
            if d <= tol:
                out.append((self.gaz.counties[k].fips, d))
        return sorted(out, key=lambda t: t[1])

    def _nearest_office(self, place: Place) -> dict[str, Any] | None:
        if place.lat is None or place.lon is None:
            return None
        best: tuple[float, Office] | None = None
        for office in self.ctx.directory.offices:
            pos = self.office_position(office)
            if pos is None:
                continue
            d = great_circle_km(place.lat, place.lon, *pos)
            if best is None or d < best[0]:
                best = (d, office)
        if best is None:
            return None
        ref = self._office_ref(best[1])
        ref["distance_km"] = round(best[0], 1)
        return ref

    def office_position(self, office: Office) -> tuple[float, float] | None:
        if office.lat is not None and office.lon is not None:
            return office.lat, office.lon
        place = self.understander.city(office.city, self.gaz.state_by_usps[office.state])
        if place is None or place.lat is None or place.lon is None:
            return None
        return place.lat, place.lon


def _latlon(p: shapely.Point) -> tuple[float, float]:
    return p.y, p.x
