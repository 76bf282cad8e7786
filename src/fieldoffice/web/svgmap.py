"""Maps as server-rendered SVG: the national map of territories, and small maps of a few counties.

Projection: Albers equal-area for the lower 48 with Alaska, Hawaii and Puerto Rico as insets,
placed like d3's geoAlbersUsa on a 960 x 600 canvas. Shapes are simplified in pixel space so the
whole national map stays small enough to send with the page.
"""

from __future__ import annotations

import math
import threading
from collections import OrderedDict, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from html import escape

import numpy as np
import numpy.typing as npt
import shapely

from fieldoffice.context import Context

WIDTH, HEIGHT = 960, 600
SCALE = 1070.0
# Okabe & Ito's palette: told apart with the common colour-vision deficiencies, red-green included.
PALETTE = ("#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7")
TOLERANCE_PX = 0.6


@dataclass(frozen=True)
class _Albers:
    lon0: float
    lat0: float
    lat1: float
    lat2: float
    scale: float
    tx: float
    ty: float

    def project(
        self, lon: npt.NDArray[np.float64], lat: npt.NDArray[np.float64]
    ) -> npt.NDArray[np.float64]:
        p0, p1, p2 = map(math.radians, (self.lat0, self.lat1, self.lat2))
        n = (math.sin(p1) + math.sin(p2)) / 2
        c = math.cos(p1) ** 2 + 2 * n * math.sin(p1)
        rho0 = math.sqrt(c - 2 * n * math.sin(p0)) / n
        lam = np.radians(((lon - self.lon0 + 180.0) % 360.0) - 180.0)
        rho = np.sqrt(np.maximum(c - 2 * n * np.sin(np.radians(lat)), 0.0)) / n
        theta = n * lam
        x = rho * np.sin(theta)
        y = rho0 - rho * np.cos(theta)
        return np.column_stack([self.tx + self.scale * x, self.ty - self.scale * y])


# d3's geoAlbersUsa: each projection's centre (lon0, lat0), parallels, scale and translation.
LOWER48 = _Albers(-96.6, 38.7, 29.5, 45.5, SCALE, 480.0, 250.0)
_PR = _Albers(-65.9, 18.2, 18.0, 18.5, SCALE * 3.0, 480.0 + 0.33 * SCALE, 250.0 + 0.235 * SCALE)
INSETS = {
    "AK": _Albers(
        -156.0, 58.5, 55.0, 65.0, SCALE * 0.35, 480.0 - 0.307 * SCALE, 250.0 + 0.201 * SCALE
    ),
    "HI": _Albers(-160.0, 19.9, 8.0, 18.0, SCALE, 480.0 - 0.205 * SCALE, 250.0 + 0.212 * SCALE),
    "PR": _PR,
    "VI": _PR,
}
# Guam, the Northern Marianas and American Samoa are not drawn: far from everything else and
# claimed by nobody; the page's text says so.
NOT_DRAWN = {"GU", "MP", "AS"}


def projection_for(state: str) -> _Albers | None:
    if state in NOT_DRAWN:
        return None
    return INSETS.get(state, LOWER48)


def project_geometry(geom: shapely.Geometry, proj: _Albers) -> shapely.Geometry:
    def fn(xy: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        return proj.project(xy[:, 0], xy[:, 1])

    return shapely.transform(geom, fn)


def path_data(geom: shapely.Geometry) -> str:
    """SVG path `d` for polygons in pixel space, one decimal."""
    out = []
    for poly in shapely.get_parts(geom):
        if poly.is_empty or poly.geom_type != "Polygon":
            continue
        for ring in (poly.exterior, *poly.interiors):
            xy = np.asarray(ring.coords)[:-1]
            if len(xy) < 3:
                continue
            pts = " ".join(f"{x:.1f},{y:.1f}" for x, y in xy)
            out.append(f"M{pts}Z")
    return "".join(out).replace(" ", "L")


class MapData:
    """County shapes in pixel space, grouped the way maps need them; built once per context."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        gaz = ctx.gazetteer
        self.pixels: dict[str, shapely.Geometry] = {}
        for county, poly in zip(gaz.counties, gaz.polygons, strict=True):
            proj = projection_for(county.state)
            if proj is None or poly.is_empty:
                continue
            self.pixels[county.fips] = shapely.make_valid(project_geometry(poly, proj))
        self.owner: dict[str, tuple[str, ...]] = {
            f: tuple(sorted(ctx.territories.offices_of(f))) for f in self.pixels
        }
        self.colors = color_offices(self.office_adjacency(), [o.id for o in ctx.directory.offices])

    def office_adjacency(self) -> dict[str, set[str]]:
        fipses = list(self.pixels)
        geoms = [self.pixels[f] for f in fipses]
        tree = shapely.STRtree(geoms)
        left, right = tree.query(geoms, predicate="dwithin", distance=1.0)
        adjacency: dict[str, set[str]] = defaultdict(set)
        for i, j in zip(left.tolist(), right.tolist(), strict=True):
            for a in self.owner[fipses[i]]:
                for b in self.owner[fipses[j]]:
                    if a != b:
                        adjacency[a].add(b)
        return adjacency

    def states_of(self, owners: tuple[str, ...]) -> list[str]:
        """The states of the counties claimed by exactly these offices, most counties first."""
        gaz = self.ctx.gazetteer
        counts: dict[str, int] = defaultdict(int)
        for f, o in self.owner.items():
            if o == owners:
                counts[gaz.county_by_fips[f].state] += 1
        return sorted(counts, key=lambda s: -counts[s])

    def groups(self) -> dict[tuple[str, ...], shapely.Geometry]:
        """Counties dissolved by who claims them: one shape per office, contested, uncovered."""
        by_owner: dict[tuple[str, ...], list[shapely.Geometry]] = defaultdict(list)
        for f, geom in self.pixels.items():
            by_owner[self.owner[f]].append(geom)
        return {
            k: shapely.simplify(shapely.union_all(v), TOLERANCE_PX) for k, v in by_owner.items()
        }


def color_offices(adjacency: Mapping[str, set[str]], offices: Sequence[str]) -> dict[str, str]:
    """Greedy colouring, most-connected first: neighbouring territories never share a colour."""
    order = sorted(offices, key=lambda o: (-len(adjacency.get(o, ())), o))
    colors: dict[str, str] = {}
    for office in order:
        taken = {colors[n] for n in adjacency.get(office, ()) if n in colors}
        free = [c for c in PALETTE if c not in taken]
        if not free:
            raise RuntimeError(f"palette too small to colour {office!r} apart from its neighbours")
        colors[office] = free[0]
    return colors


_PATTERNS = (
    "<defs>"
    '<pattern id="p-contested" width="8" height="8" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">'
    '<rect width="8" height="8" fill="#F0E442"/><rect width="4" height="8" fill="#0072B2"/></pattern>'
    '<pattern id="p-uncovered" width="6" height="6" patternUnits="userSpaceOnUse">'
    '<rect width="6" height="6" fill="#ffffff"/><circle cx="3" cy="3" r="1.2" fill="#555555"/></pattern>'
    "</defs>"
)


def national_map(data: MapData, t: Mapping[str, str], prefix: str = "") -> str:
    """The national SVG. `t` holds the translated strings; `prefix` is "" or "/es"."""
    ctx = data.ctx
    names = {o.id: o.name for o in ctx.directory.offices}
    parts = [
        # a group, not an img: it holds links, one per territory
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="group" '
        f'aria-labelledby="map-title" aria-describedby="map-desc" class="national-map">',
        f'<title id="map-title">{escape(t["map_title"])}</title>',
        f'<desc id="map-desc">{escape(t["map_desc"])}</desc>',
        _PATTERNS,
    ]
    for owners, geom in sorted(data.groups().items()):
        d = path_data(geom)
        if not d:
            continue
        if len(owners) == 1:
            oid = owners[0]
            parts.append(
                f'<a href="{prefix}/offices/{oid}" aria-label="{escape(names[oid])}">'
                f'<path d="{d}" fill="{data.colors[oid]}" class="territory"><title>{escape(names[oid])}</title></path></a>'
            )
        elif owners:
            label = t["contested_label"].format(offices=" / ".join(names[o] for o in owners))
            state = data.states_of(owners)[0]
            q = escape(ctx.gazetteer.state_by_usps[state].name)
            parts.append(
                f'<a href="{prefix}/locate?q={q}" aria-label="{escape(label)}">'
                f'<path d="{d}" fill="url(#p-contested)" class="territory contested"><title>{escape(label)}</title></path></a>'
            )
        else:
            parts.append(
                f'<path d="{d}" fill="url(#p-uncovered)" class="uncovered"><title>{escape(t["uncovered_label"])}</title></path>'
            )
    parts.append("</svg>")
    return "".join(parts)


class SmallMaps:
    """Small maps of county sets, drawn once each and kept in a bounded LRU: the same answer
    page (a state, a popular city) must not redraw its map per request. One per context, so a
    new directory version starts empty."""

    SIZE = 512

    def __init__(self, ctx: Context) -> None:
        gaz = ctx.gazetteer
        self.ctx = ctx
        self.index = {c.fips: i for i, c in enumerate(gaz.counties)}
        self.tree = shapely.STRtree(gaz.polygons)
        self.bounds = shapely.bounds(gaz.polygons)
        self.empty = shapely.is_empty(gaz.polygons)
        self._drawn: OrderedDict[tuple[str, ...], tuple[str, str]] = OrderedDict()
        self._lock = threading.Lock()

    def draw(self, highlight: Iterable[str], label: str) -> str:
        chosen = tuple(
            sorted({f for f in highlight if f in self.index and not self.empty[self.index[f]]})
        )
        if not chosen:
            return ""
        with self._lock:
            drawn = self._drawn.get(chosen)
            if drawn is not None:
                self._drawn.move_to_end(chosen)
        if drawn is None:
            drawn = self._draw(chosen)
            with self._lock:
                self._drawn[chosen] = drawn
                while len(self._drawn) > self.SIZE:
                    self._drawn.popitem(last=False)
        viewbox, paths = drawn
        return (
            f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="{viewbox}" role="img" '
            f'aria-label="{escape(label)}" class="small-map">{paths}</svg>'
        )

    def _draw(self, chosen: tuple[str, ...]) -> tuple[str, str]:
        gaz = self.ctx.gazetteer
        b = self.bounds[[self.index[f] for f in chosen]]
        minx, miny = float(b[:, 0].min()), float(b[:, 1].min())
        maxx, maxy = float(b[:, 2].max()), float(b[:, 3].max())
        pad = max(maxx - minx, maxy - miny) * 0.15 + 0.05
        box = shapely.box(minx - pad, miny - pad, maxx + pad, maxy + pad)
        near = self.tree.query(box, predicate="intersects")
        k = math.cos(math.radians((miny + maxy) / 2))
        x0, y1 = minx - pad, maxy + pad
        w, h = (maxx - minx + 2 * pad) * k, maxy - miny + 2 * pad
        s = 320.0 / max(w, h)

        def fn(xy: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
            return np.column_stack([(xy[:, 0] - x0) * k * s, (y1 - xy[:, 1]) * s])

        tol = max(w, h) * s / 800
        chosen_set = set(chosen)
        order = sorted(near.tolist(), key=lambda i: gaz.counties[i].fips in chosen_set)
        clipped = shapely.intersection(gaz.polygons[order], box)
        shapes = shapely.simplify(shapely.transform(clipped, fn), tol)
        parts = []
        for i, geom in zip(order, shapes, strict=True):
            d = path_data(geom)
            if not d:
                continue
            c = gaz.counties[i]
            cls = "county highlight" if c.fips in chosen_set else "county"
            parts.append(f'<path d="{d}" class="{cls}"><title>{escape(c.label)}</title></path>')
        return f"0 0 {w * s:.0f} {h * s:.0f}", "".join(parts)


def small_map(ctx: Context, highlight: Iterable[str], t: Mapping[str, str], label: str) -> str:
    """A map of the highlighted counties and their neighbours, in a local projection."""
    maps = ctx.memo("web-small-maps", lambda: SmallMaps(ctx))
    return maps.draw(highlight, label)
