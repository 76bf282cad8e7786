"""Is a point within the boundary tolerance of another territory? Exact, vectorised, numpy only.

The kernel (every answer here equals it): the distance in km from p = (lon, lat) to a segment is
the point-segment distance in the local equirectangular frame at p on the WGS84 ellipsoid,
    x = (lon - lon_p) * cos(phi) * N(phi) * pi / 180,  y = (lat - lat_p) * M(phi) * pi / 180,
with phi = radians(lat_p) and WGS84's radii of curvature at p: N = a / sqrt(w) (prime vertical),
M = a (1 - e2) / w^(3/2) (meridian), w = 1 - e2 sin^2(phi), a = 6378.137 km, e2 = 0.00669437999014
(within about 1.5 m of the WGS84 geodesic at the tolerance; a sphere is off by up to ~20 m);
and the distance to a county is the least over its kept boundary edges. An edge is kept unless the
very same segment (either direction) also bounds another county of the same group: the nearest
point of a union of same-group counties is on its outer boundary, so dropping inner edges changes
no "near another group" answer, and it drops most edges. "Within" is km <= tolerance_km.

Kept edges run from their lesser endpoint and an endpoint is measured as itself, so the two
copies of a line between groups, or two coasts meeting at a corner, are exactly as far from a
point as each other: ties between counties are real ties, and go to the lowest county index.

Layout: a coarse grid (`coarse_deg`) over the box of every kept edge grown by the tolerance, with a
border of empty cells all round (any point outside the box, even NaN or lon 1e9, clips into the
border and gets "nothing within reach", which is the kernel's answer there too). A coarse cell
with no kept edge in reach is -1; otherwise it is a block of `sub` x `sub` fine cells. Per fine
cell, from bounds on the distance of every point of the cell to each edge:

- `list`: the edges that may be within tolerance of some point of the cell (CSR), or -1;
- `grp`, `code`: what `near_other` answers for a point of group g: (code & 3) when g == grp,
  (code >> 2) otherwise, each NO, YES or CHECK (run the kernel over the cell's list);
- `ref`: for a cell left to the kernel along a line between groups, `refine` x `refine`
  sub-cells with their own grp and code (the kernel still uses the cell's list).

A cell is YES for a group only when some other group's edge is provably within tol * (1 - margin)
of every point of the cell, NO only when every other group's edge is provably beyond
tol * (1 + margin) of all of it (see _row_bounds): the fast path can only disagree with the
kernel if those bounds were wrong by 2% of the tolerance, and they are exact up to rounding.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import numpy.typing as npt

WGS84_A_KM = 6378.137
WGS84_E2 = 0.00669437999014
_RAD = math.pi / 180.0
# Bounds on the frame's scales over every latitude: km per degree of latitude is least at the
# equator (M(0) = a (1 - e2)), and km per degree of longitude at least a * cos(phi) (N >= a).
KM_PER_DEG_LAT_MIN = WGS84_A_KM * (1.0 - WGS84_E2) * _RAD
# w = 1 - e2 sin^2 = (1 - e2) + e2 cos^2; kx = cos * _KX0 / sqrt(w), ky = _KY0 / w^(3/2)
_W0 = 1.0 - WGS84_E2
_KX0 = WGS84_A_KM * _RAD
_KY0 = KM_PER_DEG_LAT_MIN
FORMAT_VERSION = 2  # 1: the kernel on a sphere of 6371.0088 km

NO, YES, CHECK = 0, 1, 2

F64 = npt.NDArray[np.float64]
I32 = npt.NDArray[np.int32]
I64 = npt.NDArray[np.int64]
Bools = npt.NDArray[np.bool_]
U8 = npt.NDArray[np.uint8]

_BIG = np.int32(np.iinfo(np.int32).max)
_NONE_I64 = np.zeros(0, np.int64)
_NONE_I32 = np.zeros(0, np.int32)
_ZERO_I64 = np.zeros(1, np.int64)
for _shared in (_NONE_I64, _NONE_I32, _ZERO_I64):
    _shared.setflags(write=False)


def _along(a_x: F64, a_y: F64, d_x: F64, d_y: F64) -> F64:
    """Where along segment a->a+d the point (the origin) projects, as a fraction (unclipped);
    one order of operations for every kernel, so they agree to the bit."""
    t = a_x * d_x
    t += a_y * d_y
    den = d_x * d_x
    den += d_y * d_y
    t /= den
    np.negative(t, out=t)
    return t


def _seg_km(
    px: F64, py: F64, kx: F64 | float, ky: F64 | float, ax: F64, ay: F64, bx: F64, by: F64
) -> F64:
    """The kernel, with the frame's scales kx, ky = km_per_degree(py) given (per point, or one
    for all). In place on fresh temporaries: it is the hot loop."""
    a_x = ax - px
    a_x *= kx
    a_y = ay - py
    a_y *= ky
    b_x = bx - px
    b_x *= kx
    b_y = by - py
    b_y *= ky
    d_x = b_x - a_x
    d_y = b_y - a_y
    t = _along(a_x, a_y, d_x, d_y)
    np.clip(t, 0.0, 1.0, out=t)  # the nearest point of the segment, not of its line
    far_end = t >= 1.0
    d_x *= t
    a_x += d_x
    d_y *= t
    a_y += d_y
    # An endpoint is measured as itself (a + 1 * d may round differently from b), so a vertex is
    # exactly as far from the point through every edge that ends there: ties stay ties.
    np.copyto(a_x, b_x, where=far_end)
    np.copyto(a_y, b_y, where=far_end)
    a_x *= a_x
    a_y *= a_y
    a_x += a_y
    out: F64 = np.sqrt(a_x, out=a_x)
    return out


def segment_km(
    px: npt.ArrayLike, py: npt.ArrayLike, ax: npt.ArrayLike, ay: npt.ArrayLike,
    bx: npt.ArrayLike, by: npt.ArrayLike,
) -> F64:  # fmt: skip
    """The kernel: km from each p to segment ab in the equirectangular frame at p."""
    p_x, p_y = np.asarray(px, dtype=np.float64), np.asarray(py, dtype=np.float64)
    rest = [np.asarray(v, dtype=np.float64) for v in (ax, ay, bx, by)]
    shape = np.broadcast_shapes(p_x.shape, *(v.shape for v in rest))
    args = [np.broadcast_to(v, shape) for v in (p_x, p_y, *km_per_degree(p_y), *rest)]
    return _seg_km(*args)


def km_per_degree(lat: npt.ArrayLike) -> tuple[F64, F64]:
    """The kernel's frame at latitude `lat` (degrees): km per degree of longitude, cos N pi / 180,
    and of latitude, M pi / 180, with WGS84's radii of curvature there (see the module docstring).

    kx decreases and ky increases with |lat| (kx is the parallel's radius, whose derivative is
    -M sin(phi); M grows as w shrinks): the build's bounds rely on both."""
    c: F64 = np.cos(np.radians(np.asarray(lat, dtype=np.float64)))
    w = c * c
    w *= WGS84_E2
    w += _W0
    root = np.sqrt(w)
    kx = c * _KX0
    kx /= root
    root *= w
    ky: F64 = _KY0 / root
    return kx, ky


def _km_per_degree_of_cos(c: float) -> tuple[float, float]:
    """km_per_degree for one point from its cos(radians(lat)), in floats: the very same
    operations in the same order (+ - * / and sqrt round alike in numpy and Python), so a single
    point is measured exactly as in a batch, without numpy's cost per call."""
    w = c * c * WGS84_E2 + _W0
    root = math.sqrt(w)
    return c * _KX0 / root, _KY0 / (root * w)


class NearIndex:
    """Per point: is a county of another group within the tolerance? (See the module docstring.)"""

    _FIELDS = (
        "format_version", "tolerance_km", "margin", "origin_x", "origin_y", "coarse_deg", "sub",
        "refine", "nx", "ny", "coarse", "fine_grp", "fine_code", "fine_list", "list_start",
        "list_edge", "cell_ref", "ref_grp", "ref_code", "edge_x0", "edge_y0", "edge_x1", "edge_y1",
        "edge_county", "edge_gid", "county_gid", "group_values",
    )  # fmt: skip

    def __init__(self, arrays: Mapping[str, npt.NDArray[Any]]) -> None:
        missing = [f for f in self._FIELDS if f not in arrays]
        if missing:
            raise ValueError(f"near index arrays lack {missing}")
        if int(arrays["format_version"]) != FORMAT_VERSION:
            raise ValueError(
                f"near index format {int(arrays['format_version'])}, expected {FORMAT_VERSION}"
            )
        self._arrays = {f: arrays[f] for f in self._FIELDS}
        self.tolerance_km = float(arrays["tolerance_km"])
        self.margin = float(arrays["margin"])
        self._ox = float(arrays["origin_x"])
        self._oy = float(arrays["origin_y"])
        self.coarse_deg = float(arrays["coarse_deg"])
        self.sub = int(arrays["sub"])
        self.refine = int(arrays["refine"])
        self._shift = self.sub.bit_length() - 1
        self._mask = self.sub - 1
        self._rshift = self.refine.bit_length() - 1
        self._rmask = self.refine - 1
        self._nx, self._ny = int(arrays["nx"]), int(arrays["ny"])
        # numpy scalars of the array's own type: a Python int costs a conversion per call
        self._fx_max = np.uint32(self._nx * self.sub * self.refine - 1)
        self._fy_max = np.uint32(self._ny * self.sub * self.refine - 1)
        self._fx_lim = float(self._nx * self.sub * self.refine)
        self._fy_lim = float(self._ny * self.sub * self.refine)
        self._nx32 = np.int32(self._nx)
        # points are placed on the sub-cell grid: >> refine is the fine cell, exactly
        self._finv = self.sub * self.refine / self.coarse_deg
        self._coarse: I32 = arrays["coarse"]
        self._fine_grp: I32 = arrays["fine_grp"]
        self._fine_code: U8 = arrays["fine_code"]
        self._fine_list: I32 = arrays["fine_list"]
        self._list_start: I64 = arrays["list_start"]
        self._list_edge: I32 = arrays["list_edge"]
        self._cell_ref: I32 = arrays["cell_ref"]
        self._ref_grp: I32 = arrays["ref_grp"]
        self._ref_code: U8 = arrays["ref_code"]
        self._ex0: F64 = arrays["edge_x0"]
        self._ey0: F64 = arrays["edge_y0"]
        self._ex1: F64 = arrays["edge_x1"]
        self._ey1: F64 = arrays["edge_y1"]
        self._edge_county: I32 = arrays["edge_county"]
        self._edge_gid: I32 = arrays["edge_gid"]
        self._county_gid: I32 = arrays["county_gid"]
        self._group_values: I64 = arrays["group_values"]

    # -- storage --------------------------------------------------------------------------------
    def to_arrays(self) -> dict[str, npt.NDArray[Any]]:
        """Everything, as plain arrays (scalars 0-d): np.save / mmap them, from_arrays them back."""
        return dict(self._arrays)

    @classmethod
    def from_arrays(cls, arrays: Mapping[str, npt.NDArray[Any]]) -> NearIndex:
        return cls(arrays)

    @property
    def nbytes(self) -> int:
        return sum(int(a.nbytes) for a in self._arrays.values())

    @property
    def county_groups(self) -> I64:
        """Each county's group, as given to build_near_index."""
        out: I64 = self._group_values[self._county_gid]
        return out

    @property
    def edges(self) -> tuple[F64, I32, I64]:
        """The kept edges (n, 4, each from its lesser endpoint), their counties and groups (as
        given): what the kernel runs on."""
        a = self._arrays
        xy = np.column_stack([a["edge_x0"], a["edge_y0"], a["edge_x1"], a["edge_y1"]])
        groups: I64 = self._group_values[self._edge_gid]
        return xy, self._edge_county, groups

    # -- queries --------------------------------------------------------------------------------
    def _cells(self, x: F64, y: F64) -> tuple[I64, I64, I32]:
        """Positions of the points in a block, their fine cells, and their sub-cells in those."""
        if len(x) == 1:
            return self._cell_of_one(float(x[0]), float(y[0]))
        fx = ((x - self._ox) * self._finv).astype(np.int32)
        fy = ((y - self._oy) * self._finv).astype(np.int32)
        # as unsigned, anything left of / below the grid is huge too: all clip into the border
        ux, uy = fx.view(np.uint32), fy.view(np.uint32)
        np.minimum(ux, self._fx_max, out=ux)
        np.minimum(uy, self._fy_max, out=uy)
        s = self._shift + self._rshift
        cy = fy >> s
        cy *= self._nx32
        cy += fx >> s
        blk = self._coarse.take(cy)
        pos = (blk >= 0).nonzero()[0]
        px, py = fx[pos], fy[pos]
        rs, rm, m = self._rshift, self._rmask, self._mask
        fine = blk[pos].astype(np.int64)
        fine <<= 2 * self._shift
        fine |= ((py >> rs) & m) << self._shift
        fine |= (px >> rs) & m
        py &= rm
        py <<= rs
        py |= px & rm
        return pos, fine, py

    def _cell_of_one(self, x: float, y: float) -> tuple[I64, I64, I32]:
        """_cells for a single point in plain Python, where numpy's cost per call is most of the
        time: the very same float product and truncation; off the grid (or NaN) is the border,
        which is no block either way."""
        u = (x - self._ox) * self._finv
        v = (y - self._oy) * self._finv
        if not (0.0 <= u < self._fx_lim and 0.0 <= v < self._fy_lim):
            return _NONE_I64, _NONE_I64, _NONE_I32
        fx, fy = int(u), int(v)
        s, rs = self._shift, self._rshift
        blk = int(self._coarse[(fy >> (s + rs)) * self._nx + (fx >> (s + rs))])
        if blk < 0:
            return _NONE_I64, _NONE_I64, _NONE_I32
        m, rm = self._mask, self._rmask
        fine = (blk << (2 * s)) | (((fy >> rs) & m) << s) | ((fx >> rs) & m)
        sub = ((fy & rm) << rs) | (fx & rm)
        return _ZERO_I64, np.array([fine], np.int64), np.array([sub], np.int32)

    def _actions(
        self, x: F64, y: F64, key: npt.NDArray[np.integer[Any]], table: I32 | None
    ) -> tuple[I64, I64, U8, npt.NDArray[np.integer[Any]]]:
        """For the points in a block: positions, fine cells, NO / YES / CHECK, and the group
        (dense id) asked about: table[key] per point, or key itself when table is None."""
        pos, fine, subcell = self._cells(x, y)
        gp = key[pos] if table is None else table.take(key[pos])
        code = self._fine_code[fine]
        act = np.where(self._fine_grp[fine] == gp, code & 3, code >> 2)
        chk = (act == CHECK).nonzero()[0]
        if not len(chk):
            return pos, fine, act, gp
        ref = self._cell_ref[self._fine_list[fine[chk]]]
        split = (ref >= 0).nonzero()[0]
        if len(split):
            at = chk[split]
            v = ref[split].astype(np.int64) << (2 * self._rshift)
            v |= subcell[at]
            c2 = self._ref_code[v]
            act[at] = np.where(self._ref_grp[v] == gp[at], c2 & 3, c2 >> 2)
        return pos, fine, act, gp

    def _pairs(self, cells: I64) -> tuple[I64, I32, I64]:
        """Every (point, listed edge) of the given cells (all listed): owner, edge, run starts."""
        if len(cells) == 1:  # one point: its list as it is
            c = int(cells[0])
            e = self._list_edge[self._list_start[c] : self._list_start[c + 1]]
            return np.zeros(len(e), np.int64), e, _ZERO_I64
        s0 = self._list_start[cells]
        ne = self._list_start[cells + 1] - s0
        starts = np.cumsum(ne) - ne
        owner = np.repeat(np.arange(len(cells)), ne)
        pair = np.arange(int(ne.sum())) + np.repeat(s0 - starts, ne)
        return owner, self._list_edge[pair], starts

    def _km(self, x: F64, y: F64, owner: I64, e: npt.NDArray[np.integer[Any]]) -> F64:
        if len(x) == 1:  # one point: its scales as floats (the same numbers, less overhead)
            kx1, ky1 = _km_per_degree_of_cos(float(np.cos(np.radians(y))[0]))
            return _seg_km(
                x[owner], y[owner], kx1, ky1, self._ex0[e], self._ey0[e], self._ex1[e], self._ey1[e]
            )
        kx, ky = km_per_degree(y)
        return _seg_km(
            x[owner], y[owner], kx[owner], ky[owner],
            self._ex0[e], self._ey0[e], self._ex1[e], self._ey1[e],
        )  # fmt: skip

    def _other(self, x: F64, y: F64, key: npt.NDArray[np.integer[Any]], table: I32 | None) -> Bools:
        """Near an edge of another group than each point's (see _actions for key and table)."""
        out = np.zeros(len(x), dtype=bool)
        pos, fine, act, gp = self._actions(x, y, key, table)
        out[pos] = act == YES
        chk = (act == CHECK).nonzero()[0]
        if len(chk):
            p = pos[chk]
            owner, e, _ = self._pairs(self._fine_list[fine[chk]].astype(np.int64))
            other = (self._edge_gid[e] != gp[chk][owner]).nonzero()[0]  # own group's: no matter
            owner, e = owner[other], e[other]
            hit = owner[self._km(x[p], y[p], owner, e) <= self.tolerance_km]
            out[p] = np.bincount(hit, minlength=len(p)) > 0
        return out

    @staticmethod
    def _xy(lon: npt.ArrayLike, lat: npt.ArrayLike) -> tuple[F64, F64]:
        x = np.asarray(lon, dtype=np.float64).ravel()
        y = np.asarray(lat, dtype=np.float64).ravel()
        if x.shape != y.shape:
            raise ValueError(f"{x.size} longitudes but {y.size} latitudes")
        return x, y

    def near_other(self, lon: npt.ArrayLike, lat: npt.ArrayLike, county: npt.ArrayLike) -> Bools:
        """Per point inside `county` (its index, >= 0): is a county of another group within tol?"""
        x, y = self._xy(lon, lat)
        return self._other(x, y, np.asarray(county, dtype=np.intp).ravel(), self._county_gid)

    def other_groups_within(
        self, lon: npt.ArrayLike, lat: npt.ArrayLike, group: npt.ArrayLike
    ) -> Bools:
        """Per point (typically outside every county): is a county of a group other than the
        point's `group` (a caller's group id, as given to build_near_index) within tol?"""
        x, y = self._xy(lon, lat)
        gv = np.asarray(group).ravel().astype(np.int64)
        vals = self._group_values
        at = np.minimum(np.searchsorted(vals, gv), max(len(vals) - 1, 0))
        known = vals[at] == gv if len(vals) else np.zeros(len(gv), dtype=bool)
        g = np.where(known, at, -2).astype(np.int32)  # an unknown group: every county is other
        return self._other(x, y, g, None)

    def nearest(self, lon: npt.ArrayLike, lat: npt.ArrayLike) -> tuple[I32, F64]:
        """Per point (meant for points outside every county): the county with the nearest kept
        edge within tol and its km, or -1 and inf. Ties go to the lowest county index."""
        x, y = self._xy(lon, lat)
        county = np.full(len(x), -1, dtype=np.int32)
        km = np.full(len(x), np.inf)
        pos, fine, _ = self._cells(x, y)
        lists = self._fine_list[fine]
        has = (lists >= 0).nonzero()[0]
        if not len(has):
            return county, km
        p = pos[has]
        owner, e, starts = self._pairs(lists[has].astype(np.int64))
        d = self._km(x[p], y[p], owner, e)
        best = np.minimum.reduceat(d, starts)
        who = np.minimum.reduceat(np.where(d == best[owner], self._edge_county[e], _BIG), starts)
        ok = best <= self.tolerance_km
        county[p[ok]] = who[ok]
        km[p[ok]] = best[ok]
        return county, km

    def within_many(self, lon: npt.ArrayLike, lat: npt.ArrayLike) -> tuple[I64, I32, F64]:
        """`within` over arrays: every (point, county) with a kept edge of the county within tol
        of the point, as (point position, county, km), each point's nearest first (ties to the
        lowest county), exactly the pairs and km `within` gives one by one."""
        x, y = self._xy(lon, lat)
        pos, fine, _ = self._cells(x, y)
        lists = self._fine_list[fine]
        has = (lists >= 0).nonzero()[0]
        if not len(has):
            return _NONE_I64, _NONE_I32, np.zeros(0)
        p = pos[has]
        owner, e, _ = self._pairs(lists[has].astype(np.int64))
        d = self._km(x[p], y[p], owner, e)
        ok = (d <= self.tolerance_km).nonzero()[0]
        who, county, km = p[owner[ok]], self._edge_county[e[ok]], d[ok]
        order = np.lexsort((km, county, who))  # per (point, county) its least km first
        who, county, km = who[order], county[order], km[order]
        first = np.ones(len(who), dtype=bool)
        first[1:] = (who[1:] != who[:-1]) | (county[1:] != county[:-1])
        who, county, km = who[first], county[first], km[first]
        order = np.lexsort((county, km, who))
        return who[order].astype(np.int64), county[order].astype(np.int32), km[order]

    def within(self, lon: float, lat: float) -> list[tuple[int, float]]:
        """Every county with a kept edge within tol of one point, (county, km), nearest first."""
        x = np.array([lon], dtype=np.float64)
        y = np.array([lat], dtype=np.float64)
        pos, fine, _ = self._cells(x, y)
        if not len(pos) or self._fine_list[fine[0]] < 0:
            return []
        cell = int(self._fine_list[fine[0]])
        e = self._list_edge[self._list_start[cell] : self._list_start[cell + 1]]
        d = self._km(x, y, np.zeros(len(e), dtype=np.int64), e)
        ok = d <= self.tolerance_km
        best: dict[int, float] = {}
        for c, km in zip(self._edge_county[e[ok]].tolist(), d[ok].tolist(), strict=True):
            if km < best.get(c, math.inf):
                best[c] = km
        return sorted(best.items(), key=lambda ck: (ck[1], ck[0]))
