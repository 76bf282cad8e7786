"""Maps as server-rendered SVG: the national map of territories, a map per state, and the small
map of an answer's counties.

National map: Albers equal-area for the lower 48 with Alaska, Hawaii and Puerto Rico as insets,
placed like d3's geoAlbersUsa on a 960 x 600 canvas, shapes simplified in pixel space so the whole
map stays small enough to send with the page; each territory numbered, the legend (built by the
page from `MapData.legend`) maps each number, colour and region to its office. State maps and
answer maps: a local equirectangular frame around their counties (Alaska's Aleutians are drawn
west of 180°), every county coloured by the office that claims it.

Colours are map_colours.py's. Everything drawn is cached per context (one data
version): the national map by the page, state maps and answer maps in bounded LRUs here.
"""

from __future__ import annotations

import math
import threading
from collections import OrderedDict, defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from html import escape
from urllib.parse import quote

import numpy as np
import numpy.typing as npt
import shapely

from fieldoffice.directory.context import Context
from fieldoffice.geo.gazetteer import Gazetteer
from fieldoffice.web.map_colours import (
    CONTESTED_FILL,
    PALETTE,
    UNCOVERED_FILL,
    color_offices,
    distinct_colours,
    owner_fill,
)

__all__ = [
    "CONTESTED_FILL", "PALETTE", "UNCOVERED_FILL", "LegendRow", "MapData", "Marker",
    "color_offices", "distinct_colours", "national_map", "owner_fill", "small_map", "state_map",
]  # fmt: skip

WIDTH, HEIGHT = 960, 600
SCALE = 1070.0
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

    def project(self, lon: npt.NDArray[np.float64], lat: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:  # fmt: skip
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
        legend = [o.id for o in sorted(ctx.directory.offices, key=lambda o: o.name)]
        offices = [o.id for o in ctx.directory.offices]
        self.colors = color_offices(self.office_adjacency(), offices, legend)

    def office_adjacency(self) -> dict[str, set[str]]:
        """Offices whose territories touch: two counties sharing a border (within ~100 m, on the
        gazetteer's own polygons, not the map's insets), claimed by different offices."""
        gaz = self.ctx.gazetteer
        tree = shapely.STRtree(gaz.polygons)
        left, right = tree.query(gaz.polygons, predicate="dwithin", distance=0.001)
        owners = [tuple(self.ctx.territories.offices_of(c.fips)) for c in gaz.counties]
        adjacency: dict[str, set[str]] = defaultdict(set)
        for i, j in zip(left.tolist(), right.tolist(), strict=True):
            for a in owners[i]:
                adjacency[a].update(b for b in owners[j] if b != a)
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

    def insets(self) -> dict[tuple[tuple[str, ...], str], shapely.Geometry]:
        """Each inset's (Alaska's, Hawaii's, a territory's) counties dissolved by who claims them,
        keyed (owners, state): the map numbers them there too, away from the rest."""
        by_key: dict[tuple[tuple[str, ...], str], list[shapely.Geometry]] = defaultdict(list)
        for f, geom in self.pixels.items():
            state = self.ctx.gazetteer.county_by_fips[f].state
            if state in INSETS:
                by_key[(self.owner[f], state)].append(geom)
        return {k: shapely.union_all(v) for k, v in sorted(by_key.items())}

    def numbers(self) -> dict[str, int]:
        """Each office's number on the national map and in its legend: by name."""
        offices = sorted(self.ctx.directory.offices, key=lambda o: o.name)
        return {o.id: i for i, o in enumerate(offices, 1)}

    def legend(self) -> list[LegendRow]:
        """One row per office (number, colour, name, where) and one per contested or unclaimed
        area: what each colour and region on the national map stands for."""
        gaz = self.ctx.gazetteer
        rows = []
        counts: dict[tuple[str, ...], int] = defaultdict(int)
        for owners in self.owner.values():
            counts[owners] += 1
        numbers = self.numbers()
        for o in sorted(self.ctx.directory.offices, key=lambda o: o.name):
            # an office all of whose territory is shared (Miami, Tampa) shows as stripes
            own = counts.get((o.id,), 0) > 0
            fill = self.colors[o.id] if own else "url(#p-contested)"
            rows.append(LegendRow(owners=(o.id,), number=numbers[o.id], fill=fill,
                                  names=(o.name,), where=o.aor, counties=counts.get((o.id,), 0),
                                  states=tuple(self.states_of((o.id,)))))  # fmt: skip
        names = {o.id: o.name for o in self.ctx.directory.offices}
        for owners in sorted(k for k in counts if len(k) != 1):
            states = tuple(self.states_of(owners))
            rows.append(LegendRow(owners=owners, number=None,
                                  fill="url(#p-contested)" if owners else "url(#p-uncovered)",
                                  names=tuple(names[o] for o in owners),
                                  where=", ".join(gaz.state_by_usps[s].name for s in states),
                                  counties=counts[owners], states=states))  # fmt: skip
        return rows


@dataclass(frozen=True)
class LegendRow:
    owners: tuple[str, ...]  # one office; several (contested); none (unclaimed)
    number: int | None  # the label on the national map (single offices)
    fill: str  # a colour, or CONTESTED_FILL / UNCOVERED_FILL
    names: tuple[str, ...]
    where: str  # the AOR as published, or the states of a contested or unclaimed area
    counties: int
    states: tuple[str, ...]


def label_point(geom: shapely.Geometry) -> tuple[float, float]:
    """Where a territory's number goes: inside its largest piece, far from its edges."""
    from shapely.ops import polylabel

    parts = [p for p in shapely.get_parts(geom) if p.geom_type == "Polygon" and not p.is_empty]
    if not parts:
        c = geom.centroid
        return float(c.x), float(c.y)
    big = max(parts, key=lambda p: p.area)
    pt = polylabel(big, tolerance=1.0)
    return float(pt.x), float(pt.y)


def _defs(prefix: str) -> str:
    """The stripes (claimed by several offices) and dots (by none), their ids begun `prefix`."""
    return (
        "<defs>"
        f'<pattern id="{prefix}-contested" width="8" height="8" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">'
        '<rect width="8" height="8" fill="#F0E442"/><rect width="4" height="8" fill="#0072B2"/></pattern>'
        f'<pattern id="{prefix}-uncovered" width="6" height="6" patternUnits="userSpaceOnUse">'
        '<rect width="6" height="6" fill="#ffffff"/><circle cx="3" cy="3" r="1.2" fill="#555555"/></pattern>'
        "</defs>"
    )


_PATTERNS = _defs("p")


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
    numbers = data.numbers()
    names_lang = ' lang="en"' if prefix else ""  # office names are the agency's English
    labels: list[str] = []  # drawn over the territories, outside their links (which they name)
    groups = data.groups()
    for owners, geom in sorted(groups.items()):
        d = path_data(geom)
        if not d:
            continue
        if len(owners) == 1:
            oid = owners[0]
            labels.append(_number_label(geom, str(numbers[oid])))
            parts.append(
                f'<a href="{prefix}/offices/{oid}" aria-label="{escape(names[oid])}"{names_lang}>'
                f'<path d="{d}" fill="{data.colors[oid]}" class="territory"><title>{escape(names[oid])}</title></path></a>'
            )
        elif owners:
            label = t["contested_label"].format(offices=" / ".join(names[o] for o in owners))
            state = data.states_of(owners)[0]
            q = escape(ctx.gazetteer.state_by_usps[state].name)
            labels.append(_number_label(geom, "/".join(str(numbers[o]) for o in owners)))
            parts.append(
                f'<a href="{prefix}/locate?q={q}" aria-label="{escape(label)}">'
                f'<path d="{d}" fill="url(#p-contested)" class="territory contested"><title>{escape(label)}</title></path>'
                "</a>"
            )
        else:
            parts.append(
                f'<path d="{d}" fill="url(#p-uncovered)" class="uncovered"><title>{escape(t["uncovered_label"])}</title></path>'
            )
    labels.extend(_inset_labels(data, numbers, groups))
    parts.append(f'<g class="map-labels" aria-hidden="true">{"".join(labels)}</g>')
    parts.append("</svg>")
    return "".join(parts)


@dataclass(frozen=True)
class Marker:
    """What an answer's map marks: a point, named; for a city or ZIP code, an approximate outline
    (a ring of lon, lat) drawn dashed around it."""

    lat: float
    lon: float
    label: str
    outline: tuple[tuple[float, float], ...] = ()


_SMALL_DEFS = _defs("sm")


@dataclass(frozen=True)
class _Frame:
    """A local equirectangular frame: lon/lat to SVG units, longitudes east of 180° wrapped
    west when the counties straddle it (the Aleutians)."""

    x0: float
    y1: float
    k: float
    s: float
    wrap: bool
    width: float
    height: float

    def xy(self, xy: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        x = xy[:, 0]
        if self.wrap:
            x = np.where(x > 0, x - 360.0, x)
        return np.column_stack([(x - self.x0) * self.k * self.s, (self.y1 - xy[:, 1]) * self.s])

    @property
    def viewbox(self) -> str:
        return f"0 0 {self.width:.0f} {self.height:.0f}"


def _frame(bounds: npt.NDArray[np.float64], size: float, points: Sequence[tuple[float, float]] = ()) -> _Frame:  # fmt: skip
    """The frame around `bounds` (rows of minx, miny, maxx, maxy) and any (lon, lat) points,
    padded, the longer side `size` units."""
    wrap = bool(bounds[:, 0].min() < -170 and bounds[:, 2].max() > 170)
    b = bounds.copy()
    if wrap:  # a piece east of 180° (Aleutians West) counts from -180 westward
        east = b[:, 0] > 0
        b[east, 0] -= 360.0
        b[east, 2] -= 360.0
        b[~east & (b[:, 2] > 0), 2] = -180.0
    xs = [float(b[:, 0].min()), float(b[:, 2].max())]
    ys = [float(b[:, 1].min()), float(b[:, 3].max())]
    for lon, lat in points:
        xs.append(lon - 360.0 if wrap and lon > 0 else lon)
        ys.append(lat)
    minx, maxx, miny, maxy = min(xs), max(xs), min(ys), max(ys)
    k = math.cos(math.radians((miny + maxy) / 2))
    # never a sliver: widen the short side (showing more of the neighbours) to at least 3:4
    span_x, span_y = (maxx - minx) * k, maxy - miny
    if span_x < 0.75 * span_y:
        grow = (0.75 * span_y - span_x) / k / 2
        minx, maxx = minx - grow, maxx + grow
    elif span_y < 0.6 * span_x:
        grow = (0.6 * span_x - span_y) / 2
        miny, maxy = miny - grow, maxy + grow
    pad = max(maxx - minx, maxy - miny) * 0.05 + 0.05
    w, h = (maxx - minx + 2 * pad) * k, maxy - miny + 2 * pad
    s = size / max(w, h)
    return _Frame(minx - pad, maxy + pad, k, s, wrap, w * s, h * s)


def _inset_labels(data: MapData, numbers: Mapping[str, int], groups: Mapping[tuple[str, ...], shapely.Geometry]) -> list[str]:  # fmt: skip
    """Alaska, Hawaii and the territories numbered in their insets, unless the office's number
    is there already (its largest piece); an inset no office claims is named by its postal code."""
    out = []
    for (owners, state), geom in data.insets().items():
        text = "/".join(str(numbers[o]) for o in owners) or state
        main = groups.get(owners) if owners else None
        if main is None or not geom.buffer(1.0).contains(shapely.Point(label_point(main))):
            out.append(_number_label(geom, text, "map-label inset" if owners else "map-label inset none"))  # fmt: skip
    return out


def _number_label(geom: shapely.Geometry, text: str, cls: str = "map-label") -> str:
    """A territory's number(s) on the national map, on a white badge inside it."""
    x, y = label_point(geom)
    half = 4 + 3.4 * len(text)
    return (
        f'<g class="{cls}"><rect x="{x - half:.0f}" y="{y - 9:.0f}" '
        f'width="{2 * half:.0f}" height="18" rx="9"/><text x="{x:.0f}" y="{y + 4:.0f}">{text}</text></g>'
    )


class SmallMaps:
    """Small maps of county sets, drawn once each and kept in a bounded LRU: the same answer
    page (a state, a popular city) must not redraw its map per request. Keyed by the county set,
    its colouring and the marker. One per context, so a new directory version starts empty."""

    SIZE = 512
    UNITS = 400  # the longer side of the map, in SVG units (about CSS pixels as shown)

    def __init__(self, ctx: Context) -> None:
        gaz = ctx.gazetteer
        self.ctx = ctx
        self.index = {c.fips: i for i, c in enumerate(gaz.counties)}
        self.tree = shapely.STRtree(gaz.polygons)
        self.bounds = shapely.bounds(gaz.polygons)
        self.empty = shapely.is_empty(gaz.polygons)
        self._drawn: OrderedDict[Hashable, tuple[str, str]] = OrderedDict()
        self._lock = threading.Lock()

    @staticmethod
    def key(chosen: tuple[str, ...], fills: tuple[str, ...], marker: Marker | None) -> Hashable:
        return (chosen, fills, marker)

    def draw(self, highlight: Iterable[str], label: str, *, fills: Mapping[str, str] | None = None,
             marker: Marker | None = None) -> str:  # fmt: skip
        """The map of `highlight` (FIPS codes) and the counties around them. `fills`: FIPS ->
        colour (or CONTESTED_FILL / UNCOVERED_FILL) per highlighted county, else one highlight
        colour; `marker`: the point (and outline) the answer is about."""
        chosen = tuple(
            sorted({f for f in highlight if f in self.index and not self.empty[self.index[f]]})
        )
        if not chosen:
            return ""
        colouring = tuple(fills.get(f, "") for f in chosen) if fills else ()
        key = self.key(chosen, colouring, marker)
        with self._lock:
            drawn = self._drawn.get(key)
            if drawn is not None:
                self._drawn.move_to_end(key)
        if drawn is None:
            drawn = self._draw(chosen, colouring, marker)
            with self._lock:
                self._drawn[key] = drawn
                while len(self._drawn) > self.SIZE:
                    self._drawn.popitem(last=False)
        viewbox, paths = drawn
        return (
            f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="{viewbox}" role="img" '
            f'aria-label="{escape(label)}" class="small-map">{paths}</svg>'
        )

    def _draw(self, chosen: tuple[str, ...], colouring: tuple[str, ...] = (), marker: Marker | None = None) -> tuple[str, str]:  # fmt: skip
        gaz = self.ctx.gazetteer
        rows = [self.index[f] for f in chosen]
        points = [(marker.lon, marker.lat), *marker.outline] if marker else []
        frame = _frame(self.bounds[rows], self.UNITS, points)
        lon0 = frame.x0  # west of -180 when the frame wraps
        lon1 = lon0 + frame.width / frame.s / frame.k
        lat0, lat1 = frame.y1 - frame.height / frame.s, frame.y1
        boxes = [shapely.box(max(lon0, -180.0), lat0, lon1, lat1)]
        if lon0 < -180.0:  # the part of the frame east of 180°
            boxes.append(shapely.box(lon0 + 360.0, lat0, 180.0, lat1))
        near = set(rows)
        for box in boxes:
            near.update(self.tree.query(box, predicate="intersects").tolist())
        chosen_set = set(chosen)
        fill_of = dict(zip(chosen, colouring, strict=True)) if colouring else {}
        order = sorted(near, key=lambda i: (gaz.counties[i].fips in chosen_set, i))
        geoms = shapely.intersection(gaz.polygons[order], shapely.union_all(boxes))
        tol = max(frame.width, frame.height) / 800
        shapes = shapely.simplify(shapely.transform(geoms, frame.xy), tol)
        around: list[str] = []
        groups: dict[str, list[str]] = defaultdict(list)
        for i, geom in zip(order, shapes, strict=True):
            d = path_data(geom)
            if not d:
                continue
            c = gaz.counties[i]
            if c.fips not in chosen_set:
                around.append(f'<path d="{d}"><title>{escape(c.label)}</title></path>')
            elif fill_of:
                groups[fill_of[c.fips]].append(
                    f'<path d="{d}"><title>{escape(c.label)}</title></path>'
                )
            else:
                groups[""].append(f'<path d="{d}" class="county highlight"><title>{escape(c.label)}</title></path>')  # fmt: skip
        parts = []
        if any(f.startswith("url(") for f in groups):
            parts.append(_SMALL_DEFS)
        if around:
            parts.append(f'<g class="county">{"".join(around)}</g>')
        for fill, paths in sorted(groups.items()):
            parts.append(f'<g fill="{fill}" class="answer-counties">{"".join(paths)}</g>' if fill else "".join(paths))  # fmt: skip
        parts.append(_state_labels(gaz, order, shapes, chosen_set))
        if marker is not None:
            parts.append(_marker_svg(marker, frame))
        return frame.viewbox, "".join(parts)


def _state_labels(gaz: Gazetteer, rows: Sequence[int], shapes: Sequence[shapely.Geometry], chosen: set[str]) -> str:  # fmt: skip
    """Each state on the map named by its postal code, small, inside the largest piece of it that
    shows outside the answer's counties (within them only when nothing else of it shows)."""
    pieces: dict[tuple[str, bool], list[shapely.Geometry]] = defaultdict(list)
    for i, geom in zip(rows, shapes, strict=True):
        pieces[(gaz.counties[i].state, gaz.counties[i].fips in chosen)].append(geom)
    out = []
    for state in sorted({s for s, _ in pieces}):
        merged = shapely.union_all(shapely.buffer(pieces.get((state, False)) or pieces[(state, True)], 0.5))  # fmt: skip
        x, y = label_point(merged)
        if merged.boundary.distance(shapely.Point(x, y)) >= 7:  # room for its name
            out.append(f'<text x="{x:.0f}" y="{y + 4:.0f}">{state}</text>')
    return f'<g class="state-labels" aria-hidden="true">{"".join(out)}</g>' if out else ""


def _marker_svg(marker: Marker, frame: _Frame) -> str:
    """A dashed outline (city, ZIP) and a dot for the place, with its name beside it."""
    out = []
    if len(marker.outline) >= 3:
        ring = frame.xy(np.asarray(marker.outline, dtype=float))
        pts = "L".join(f"{x:.1f},{y:.1f}" for x, y in ring)
        out.append(f'<path d="M{pts}Z" class="place-outline"/>')
    x, y = (float(v) for v in frame.xy(np.array([[marker.lon, marker.lat]]))[0])
    out.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="6" class="place-dot"/>')
    left = x > frame.width * 0.6  # the name goes where there is room
    tx = x - 10 if left else x + 10
    anchor = "end" if left else "start"
    out.append(f'<text x="{tx:.1f}" y="{y + 5:.1f}" text-anchor="{anchor}" class="place-label">'
               f"{escape(marker.label)}</text>")  # fmt: skip
    return f'<g class="marker">{"".join(out)}</g>'


def small_map(ctx: Context, highlight: Iterable[str], t: Mapping[str, str], label: str, *,
              fills: Mapping[str, str] | None = None, marker: Marker | None = None) -> str:  # fmt: skip
    """A map of the highlighted counties and their neighbours, in a local projection."""
    maps = ctx.memo("web-small-maps", lambda: SmallMaps(ctx))
    return maps.draw(highlight, label, fills=fills, marker=marker)


# -- one state, every county by office ---------------------------------------------------------
STATE_UNITS = 640


def state_map(data: MapData, usps: str, t: Mapping[str, str], prefix: str = "") -> str:
    """A state's (or territory's) counties, coloured by the office claiming each, one link per
    office's part of the state (to the office), and per contested part (to the answer for the
    state). `t`: translated 'label' (the map's name), 'contested_label', 'uncovered_label' and
    'office_label' ('{name}: {n} counties'). Cached per context by (usps, prefix, labels)."""
    ctx = data.ctx
    key = (usps, prefix, tuple(sorted(t.items())))
    cache = ctx.memo("web-state-maps", _StateMaps)
    with cache.lock:
        found = cache.drawn.get(key)
    if found is None:
        found = _state_map(data, usps, t, prefix)
        with cache.lock:
            found = cache.drawn.setdefault(key, found)
            while len(cache.drawn) > cache.SIZE:  # every state in a few languages fits
                cache.drawn.popitem(last=False)
    return found


class _StateMaps:
    SIZE = 4 * 64

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.drawn: OrderedDict[Hashable, str] = OrderedDict()


def _state_map(data: MapData, usps: str, t: Mapping[str, str], prefix: str) -> str:
    ctx = data.ctx
    gaz = ctx.gazetteer
    counties = gaz.state_counties(usps)
    rows = [i for i, c in enumerate(gaz.counties) if c.state == usps]
    polys = gaz.polygons[rows]
    keep = ~shapely.is_empty(polys)
    rows = [r for r, k in zip(rows, keep.tolist(), strict=True) if k]
    if not rows or not counties:
        return ""
    polys = gaz.polygons[rows]
    frame = _frame(shapely.bounds(polys), STATE_UNITS)
    tol = max(frame.width, frame.height) / 1400
    shapes = shapely.simplify(shapely.transform(polys, frame.xy), tol)
    names = {o.id: o.name for o in ctx.directory.offices}
    by_owner: dict[tuple[str, ...], list[str]] = defaultdict(list)
    for r, geom in zip(rows, shapes, strict=True):
        c = gaz.counties[r]
        d = path_data(geom)
        if d:
            owners = tuple(sorted(ctx.territories.offices_of(c.fips)))
            by_owner[owners].append(f'<path d="{d}"><title>{escape(c.label)}</title></path>')
    colours = distinct_colours(sorted({o for k in by_owner for o in k}, key=lambda o: (o not in data.colors, o)),
                               data.colors)  # fmt: skip
    state_name = gaz.state_by_usps[usps].name
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="{frame.viewbox}" role="group" '
        f'aria-label="{escape(t["label"])}" class="state-map">',
        _SMALL_DEFS,
    ]
    for owners, paths in sorted(by_owner.items(), key=lambda kv: (len(kv[0]) != 1, kv[0])):
        fill = owner_fill(owners, colours)
        body = f'<g fill="{fill}" class="territory">{"".join(paths)}</g>'
        if len(owners) == 1:
            one = len(paths) == 1 and "office_label_one" in t
            label = t["office_label_one" if one else "office_label"].format(
                name=names[owners[0]], n=len(paths)
            )
            parts.append(f'<a href="{prefix}/offices/{owners[0]}" aria-label="{escape(label)}">{body}</a>')  # fmt: skip
        elif owners:
            label = t["contested_label"].format(offices=" / ".join(names[o] for o in owners))
            q = quote(state_name)
            parts.append(f'<a href="{prefix}/locate?q={q}" aria-label="{escape(label)}">{body}</a>')
        else:
            parts.append(body.replace('class="territory"', 'class="uncovered"'))
    parts.append("</svg>")
    return "".join(parts)
