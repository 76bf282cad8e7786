"""The small map under an answer: its colours, its legend, and the point the answer is about with
an outline for a city or a ZIP code (estimated: the data has only their centres)."""

from __future__ import annotations

import math
from collections import Counter
from typing import Any

from fieldoffice.core.answer import Answer, Location
from fieldoffice.web.i18n import Say
from fieldoffice.web.site import Site
from fieldoffice.web.svgmap import Marker, distinct_colours, owner_fill, small_map


def answer_colours(site: Site, a: Answer) -> dict[str, str]:
    """The national colour of each office in the answer, told apart on this one map."""
    ids = list(dict.fromkeys([o.id for o in a.offices] + [o for c in a.counties for o in c.offices]))  # fmt: skip
    return distinct_colours(ids, site.map_data.colors)


def answer_small_map(site: Site, a: Answer, q: str, colours: dict[str, str], _: Say) -> str:
    """Every county of the answer coloured by office, with the answer's point; "" for none."""
    if not a.counties:
        return ""
    label = _("Map of %(place)s: %(n)d county, coloured by office",
              "Map of %(place)s: %(n)d counties, coloured by office",
              len(a.counties), place=a.location.name if a.location else q)  # fmt: skip
    fills = {c.fips: owner_fill(c.offices, colours) for c in a.counties}
    svg = small_map(site.ctx, [c.fips for c in a.counties], {}, label, fills=fills,
                    marker=marker(site, a, _))  # fmt: skip
    shared = sorted({c.offices for c in a.counties if len(c.offices) > 1}, key=len)
    if shared:  # the stripes in the colours of the offices that share the place, as on the cards
        first, second = (colours[o] for o in shared[-1][:2])
        svg = svg.replace(STRIPES, f'<rect width="8" height="8" fill="{first}"/><rect width="4" height="8" fill="{second}"/>', 1)  # fmt: skip
    return svg


STRIPES = '<rect width="8" height="8" fill="#F0E442"/><rect width="4" height="8" fill="#0072B2"/>'


def answer_legend(site: Site, a: Answer, colours: dict[str, str], _: Say) -> list[dict[str, Any]]:
    """What each colour on the answer's map stands for, with its number of counties."""
    names = {o.id: o.name for o in site.ctx.directory.offices}
    counts = Counter(c.offices for c in a.counties)
    rows = []
    for owners, n in sorted(counts.items(), key=lambda kv: (len(kv[0]) != 1, -kv[1], kv[0])):
        if len(owners) == 1:
            label = names[owners[0]]
        elif owners:
            label = _("Claimed by %(offices)s", offices=_(" and ").join(names[o] for o in owners))
        else:
            label = _("No office")
        rows.append({"fill": owner_fill(owners, colours), "label": label, "count": n,
                     "office": owners[0] if len(owners) == 1 else None})  # fmt: skip
    return rows


def marker(site: Site, a: Answer, _: Say) -> Marker | None:
    """The point an answer is about, with an outline for a city or a ZIP code."""
    loc = a.location
    if loc is None or loc.lat is None or loc.lon is None or loc.kind in ("state", "county", "area"):
        return None
    gaz = site.ctx.gazetteer
    if loc.kind == "zip" and loc.zip:
        return Marker(loc.lat, loc.lon, _capital(_("ZIP code %(zip)s", zip=loc.zip)),
                      _circle(loc.lat, loc.lon, zip_reach(site, loc.zip)))  # fmt: skip
    if loc.kind == "place":
        pts = [(z.lon, z.lat) for z in (gaz.zips.get(x) for x in loc.zips or ())
               if z is not None and z.lat is not None and z.lon is not None]  # fmt: skip
        return Marker(loc.lat, loc.lon, loc.name.rsplit(", ", 1)[0], _outline(pts, loc))
    if loc.kind == "address" and loc.address:
        return Marker(loc.lat, loc.lon, loc.address.split(",")[0][:40])
    return Marker(loc.lat, loc.lon, f"{loc.lat:.3f}, {loc.lon:.3f}")


def zip_reach(site: Site, zip5: str) -> float:
    """How far a ZIP code's addresses spread from its centre, in km (1.5 to 25)."""
    from fieldoffice.lookup.decide import decider

    try:
        km = float(decider(site.ctx).zip_spread["reach_km"][int(zip5)])
    except (ValueError, IndexError):
        km = 0.0
    return min(max(km, 1.5), 25.0)


def outline_note(a: Answer, _: Say) -> str:
    """What the dashed outline on the map is, where there is one."""
    loc = a.location
    if loc is None or loc.kind not in ("zip", "place"):
        return ""
    if loc.kind == "zip":
        return _("The dot marks ZIP %(zip)s; a dashed line, where the map is big enough to show it, its approximate area (estimated from the spacing of ZIP codes there).", zip=loc.zip or "")  # fmt: skip
    return _("Dashed: the approximate extent of %(place)s, drawn around its ZIP codes' centres.", place=loc.name)  # fmt: skip


def _circle(lat: float, lon: float, km: float, n: int = 32) -> tuple[tuple[float, float], ...]:
    """A ring of (lon, lat) `km` around a point."""
    dlat = km / 111.2
    dlon = dlat / max(math.cos(math.radians(lat)), 0.05)
    return tuple(
        (lon + dlon * math.cos(2 * math.pi * i / n), lat + dlat * math.sin(2 * math.pi * i / n))
        for i in range(n)
    )


def _outline(points: list[tuple[float, float]], loc: Location) -> tuple[tuple[float, float], ...]:
    """Around a city: the hull of its ZIP codes' centres, a little wider; a circle for one."""
    import shapely
    from shapely import affinity

    assert loc.lat is not None and loc.lon is not None
    distinct = set(points)
    if len(distinct) < 3:
        return _circle(loc.lat, loc.lon, 3.0)
    hull = shapely.convex_hull(shapely.multipoints(list(distinct)))
    k = max(math.cos(math.radians(loc.lat)), 0.05)
    # widen by ~2 km in both directions (degrees of longitude are shorter)
    scaled = affinity.scale(hull, xfact=k, yfact=1.0, origin=(loc.lon, loc.lat))
    grown = affinity.scale(scaled.buffer(0.02, quad_segs=4), xfact=1 / k, yfact=1.0,
                           origin=(loc.lon, loc.lat))  # fmt: skip
    ring = shapely.simplify(grown, 0.005).exterior.coords
    return tuple((float(x), float(y)) for x, y in list(ring)[:-1])


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]
