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

# Cells are bounded as if this much larger on every side, so a point that floating-point rounding
# puts in a neighbouring cell is still covered by the bounds of the cell it lands in.
_PAD_DEG = 1e-7
# Edge-cell pairs are enumerated this many at a time during the build (bounds peak memory).
_PAIR_CHUNK = 1 << 21
# At most this many distances for splitting cells (about half a second).
_REFINE_BUDGET = 8_000_000
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


def canonical(edges: F64) -> F64:
    """Each edge from its lesser endpoint (by x, then y), -0.0 as 0.0: one segment, one form.

    The index keeps edges this way round, so the two sides' copies of a line between groups are
    the same numbers and every distance to them is the same float: ties stay ties."""
    swap = (edges[:, 0] > edges[:, 2]) | (
        (edges[:, 0] == edges[:, 2]) & (edges[:, 1] > edges[:, 3])
    )
    out: F64 = np.where(swap[:, None], edges[:, [2, 3, 0, 1]], edges) + 0.0
    return out


def outer_edges(edges: F64, edge_group: I64) -> Bools:
    """Which edges to keep: not zero-length, and not shared by two counties of one group."""
    n = len(edges)
    c = canonical(edges)
    order = np.lexsort((edge_group, c[:, 3], c[:, 2], c[:, 1], c[:, 0]))
    s, sg = c[order], edge_group[order]
    twin = np.all(s[1:] == s[:-1], axis=1) & (sg[1:] == sg[:-1])
    dup = np.zeros(n, dtype=bool)
    dup[1:] |= twin
    dup[:-1] |= twin
    keep = np.ones(n, dtype=bool)
    keep[order[dup]] = False
    keep &= (edges[:, 0] != edges[:, 2]) | (edges[:, 1] != edges[:, 3])
    return keep


def _segments(c: F64) -> tuple[F64, I64]:
    """The distinct segments among canonical edges, and each edge's: a line between two groups
    is kept once per side, and both copies are equally far from everything."""
    order = np.lexsort((c[:, 3], c[:, 2], c[:, 1], c[:, 0]))
    s = c[order]
    new = np.ones(len(s), dtype=bool)
    new[1:] = np.any(s[1:] != s[:-1], axis=1)
    seg_of = np.empty(len(s), dtype=np.int64)
    seg_of[order] = np.cumsum(new) - 1
    return s[new], seg_of


def _seg_km2(px: F64, py: F64, kx: F64, ky: F64, ax: F64, ay: F64, bx: F64, by: F64) -> F64:
    """Squared kernel distance without the care for ties (the build's bounds have slack);
    broadcasts, as the build measures edges against several cells at once."""
    a_x = (ax - px) * kx
    a_y = (ay - py) * ky
    d_x = (bx - ax) * kx
    d_y = (by - ay) * ky
    t = _along(a_x, a_y, d_x, d_y)
    np.clip(t, 0.0, 1.0, out=t)
    d_x *= t
    a_x += d_x
    a_y += t * d_y
    a_x *= a_x
    a_y *= a_y
    a_x += a_y
    return a_x


def _row_bounds(
    oy: float, size: float, n_rows: int, tol_hi: float, tol_lo: float
) -> tuple[F64, F64, F64, F64, F64]:
    """Per row of cells `size` degrees tall from latitude oy: the centre latitude, its x and y
    scales, and two thresholds on the squared distance d_c^2 of an edge from the cell centre c
    (in c's frame): above `reach`, no point of the padded cell is within tol_hi of the edge; at
    most `full`, every point of it is within tol_lo.

    For p in the cell, in p's own frame: rho_lo * d_c - r <= d_p <= rho_hi * d_c + r. The frames
    of p and c differ only in their scales, p's being c's times rx = kx(p) / kx(c) across and
    ry = ky(p) / ky(c) along: that scales any vector by between min(rx, ry) and max(rx, ry), so
    rho_lo and rho_hi are the least and greatest of rx and ry over the padded latitudes of the
    row (and 1), taken at its ends, as kx falls and ky rises with |lat| (see km_per_degree).
    And distance to a set is 1-Lipschitz in p's frame, with |p - c| there at most r (the padded
    half diagonal with the row's widest kx and tallest ky): so, in p's frame, the edge is as far
    from p as from c give or take r, and from c between rho_lo * d_c and rho_hi * d_c.
    """
    rows = np.arange(n_rows, dtype=np.float64)
    y_c = oy + (rows + 0.5) * size
    y_a, y_b = oy + rows * size - _PAD_DEG, oy + (rows + 1) * size + _PAD_DEG
    kx_c, ky_c = km_per_degree(y_c)
    far = np.minimum(np.maximum(np.abs(y_a), np.abs(y_b)), 90.0)
    near = np.where((y_a <= 0) & (y_b >= 0), 0.0, np.minimum(np.abs(y_a), np.abs(y_b)))
    kx_min, ky_max = km_per_degree(far)
    kx_max, ky_min = km_per_degree(np.minimum(near, 90.0))
    half = size / 2 + _PAD_DEG
    r = np.hypot(kx_max * half, ky_max * half)
    with np.errstate(divide="ignore", invalid="ignore"):
        rx_lo = np.nan_to_num(kx_min / kx_c, nan=0.0, posinf=0.0)
        rx_hi = np.nan_to_num(kx_max / kx_c, nan=np.inf, posinf=np.inf)
        rho_lo = np.minimum(np.minimum(1.0, rx_lo), ky_min / ky_c)
        rho_hi = np.maximum(np.maximum(1.0, rx_hi), ky_max / ky_c)
        reach = np.nan_to_num(((tol_hi + r) / rho_lo) ** 2, nan=np.inf)
        full = np.where(tol_lo > r, ((tol_lo - r) / rho_hi) ** 2, -1.0)
    return y_c, kx_c, ky_c, reach, full


def _codes(n_s: I64, n_f: I64, f_grp: I64, lone_grp: I64) -> tuple[I32, U8]:
    """grp and code of cells from, per cell: the number of groups with an edge in reach, of groups
    surely within tol_lo of all of it, the one such group (if one) and the one group in reach
    (if one)."""
    grp = np.full(n_s.shape, -1, dtype=np.int32)
    eq = np.full(n_s.shape, NO, dtype=np.uint8)
    ne = np.where(n_s >= 2, CHECK, NO).astype(np.uint8)  # two or more in reach: ask the kernel
    ne[n_f >= 2] = YES  # whatever the point's group, another one is surely near
    one_f = n_f == 1  # f surely near: YES unless the point is f's, then ask about the others
    grp[one_f] = f_grp[one_f]
    ne[one_f] = YES
    eq[one_f & (n_s >= 2)] = CHECK
    lone = (n_f == 0) & (n_s == 1)  # one group in reach, not surely: NO for its own points
    grp[lone] = lone_grp[lone]
    ne[lone] = CHECK
    return grp, (eq | (ne << 2)).astype(np.uint8)


def _sums(at: I64, w: npt.NDArray[Any], n: int) -> I64:
    """Sums of w (flattened) into n bins at `at`, shaped like w's columns."""
    out: I64 = np.bincount(at, w.ravel(), n).reshape(-1, w.shape[1]).astype(np.int64)
    return out


def _classify(key: I64, group: I64, full: Bools, n_groups: int) -> tuple[I64, I64, I32, U8, I64]:
    """Pairs (cell key, group, "surely within tol_lo") -> per cell: its key, the index of its
    first pair once sorted, its grp and code (see NearIndex), and the sort order of the pairs."""
    order = np.argsort(key * n_groups + group, kind="stable")
    key, group, full = key[order], group[order], full[order]
    new_run = np.ones(len(key), dtype=bool)
    new_run[1:] = (key[1:] != key[:-1]) | (group[1:] != group[:-1])
    run0 = np.flatnonzero(new_run)
    run_key, run_group = key[run0], group[run0]
    new_cell = np.ones(len(run0), dtype=bool)
    new_cell[1:] = run_key[1:] != run_key[:-1]
    cell_run0 = np.flatnonzero(new_cell)
    if not len(run0):
        z = np.zeros(0, np.int64)
        return z, z, np.zeros(0, np.int32), np.zeros(0, np.uint8), order
    run_full = np.logical_or.reduceat(full, run0)
    n_s = np.diff(np.append(cell_run0, len(run0)))
    n_f = np.add.reduceat(run_full.astype(np.int64), cell_run0)
    f_grp = np.maximum.reduceat(np.where(run_full, run_group, -1), cell_run0)
    grp, code = _codes(n_s, n_f, f_grp, run_group[cell_run0])
    return run_key[cell_run0], run0[cell_run0], grp, code, order


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

    # -- build ----------------------------------------------------------------------------------
    @classmethod
    def build(
        cls,
        edges: npt.ArrayLike,
        edge_county: npt.ArrayLike,
        county_group: npt.ArrayLike,
        tolerance_km: float,
        *,
        coarse_deg: float = 0.25,
        sub: int = 16,
        refine: int = 4,
        margin: float = 0.02,
    ) -> NearIndex:
        """Index every ring edge (ax, ay, bx, by; its county; each county's group).

        Fine cells are coarse_deg / sub wide; those the kernel would decide for points near a
        line between groups are split again refine x refine (both powers of two).
        """
        for name, v in (("sub", sub), ("refine", refine)):
            if v < 1 or v & (v - 1):
                raise ValueError(f"{name} must be a power of two")
        e_all = np.ascontiguousarray(edges, dtype=np.float64).reshape(-1, 4)
        ec_all = np.asarray(edge_county, dtype=np.int64).ravel()
        group_values, county_gid = np.unique(np.asarray(county_group).ravel(), return_inverse=True)
        county_gid = county_gid.astype(np.int32)
        n_groups = max(len(group_values), 1)
        keep = outer_edges(e_all, county_gid[ec_all].astype(np.int64))
        e, ec = canonical(e_all[keep]), ec_all[keep]
        eg = county_gid[ec].astype(np.int64)
        tol = float(tolerance_km)
        tol_hi, tol_lo = tol * (1.0 + margin), tol * (1.0 - margin)
        fdeg = coarse_deg / sub

        # A line between two groups is kept once per side: measure each segment once.
        seg, seg_of = _segments(e)
        by_seg = np.argsort(seg_of, kind="stable")  # edges, segment by segment
        seg_n = np.bincount(seg_of, minlength=len(seg))
        seg_first = np.cumsum(seg_n) - seg_n

        # Each segment's box grown by every point that could be within tol_hi of it: |dy| <= d / ky
        # and |dx| <= d / kx at the point, ky is least at the equator, and kx at the point is at
        # least kx at the box's greatest |lat| (kx falls with |lat|).
        reach_y = tol_hi / KM_PER_DEG_LAT_MIN + 2 * _PAD_DEG
        ylo = np.minimum(seg[:, 1], seg[:, 3]) - reach_y
        yhi = np.maximum(seg[:, 1], seg[:, 3]) + reach_y
        top = np.minimum(np.maximum(np.abs(ylo), np.abs(yhi)), 90.0)
        kx_top = np.maximum(km_per_degree(top)[0], 1e-9)
        reach_x = np.minimum(tol_hi / kx_top, 360.0) + 2 * _PAD_DEG
        if len(seg):  # the grid: the grown boxes, aligned to coarse_deg, and an empty border
            xlo = float(np.minimum(seg[:, 0], seg[:, 2]).min() - reach_x.max())
            xhi = float(np.maximum(seg[:, 0], seg[:, 2]).max() + reach_x.max())
            c_x0 = math.floor(xlo / coarse_deg) - 1
            c_y0 = math.floor(float(ylo.min()) / coarse_deg) - 1
            nx = math.floor(xhi / coarse_deg) - c_x0 + 2
            ny = math.floor(float(yhi.max()) / coarse_deg) - c_y0 + 2
        else:
            c_x0, c_y0, nx, ny = 0, 0, 1, 1
        ox, oy = c_x0 * coarse_deg, c_y0 * coarse_deg
        nxf = nx * sub
        j0 = np.floor((ylo - oy) / fdeg).astype(np.int64)
        j1 = np.floor((yhi - oy) / fdeg).astype(np.int64)
        y_c, kx_c, ky_c, thr_in, thr_full = _row_bounds(oy, fdeg, ny * sub, tol_hi, tol_lo)

        # Every (fine cell, segment) within reach, row by row: in a row, only the columns within
        # reach_x of the stretch of the segment within reach_y of the row. A pair is kept if some
        # point of the cell may be within tol_hi, "full" if all of it is surely within tol_lo.
        keys: list[I64] = []
        pair_edges: list[I64] = []
        fulls: list[Bools] = []
        n_rows = j1 - j0 + 1
        s_of = np.repeat(np.arange(len(seg)), n_rows)
        row = np.arange(len(s_of)) + np.repeat(j0 - (np.cumsum(n_rows) - n_rows), n_rows)
        band_lo = oy + row * fdeg - reach_y
        band_hi = oy + (row + 1) * fdeg + reach_y
        x0, y0, x1, y1 = (seg[s_of, k] for k in range(4))
        with np.errstate(divide="ignore", invalid="ignore"):
            ta, tb = (band_lo - y0) / (y1 - y0), (band_hi - y0) / (y1 - y0)
        flat = y1 == y0  # all of it is within the band (its rows are those of its box)
        t_lo = np.where(flat, 0.0, np.clip(np.minimum(ta, tb), 0.0, 1.0))
        t_hi = np.where(flat, 1.0, np.clip(np.maximum(ta, tb), 0.0, 1.0))
        xa, xb = x0 + t_lo * (x1 - x0), x0 + t_hi * (x1 - x0)
        pad = reach_x[s_of] + _PAD_DEG
        i0 = np.floor((np.minimum(xa, xb) - pad - ox) / fdeg).astype(np.int64)
        n_cols = np.floor((np.maximum(xa, xb) + pad - ox) / fdeg).astype(np.int64) - i0 + 1
        ends = np.cumsum(n_cols)
        lo = 0
        while lo < len(s_of):
            hi = max(
                int(np.searchsorted(ends, ends[lo] - n_cols[lo] + _PAIR_CHUNK, "right")), lo + 1
            )
            c = n_cols[lo:hi]
            at = np.repeat(np.arange(lo, hi), c)
            fi = np.arange(int(c.sum())) + np.repeat(i0[lo:hi] - (np.cumsum(c) - c), c)
            fj = row[at]
            pe = s_of[at]
            d2 = _seg_km2(
                ox + (fi + 0.5) * fdeg, y_c[fj], kx_c[fj], ky_c[fj],
                seg[pe, 0], seg[pe, 1], seg[pe, 2], seg[pe, 3],
            )  # fmt: skip
            sel = np.flatnonzero(d2 <= thr_in[fj])
            fj, fi, d2, pe = fj[sel], fi[sel], d2[sel], pe[sel]
            full = d2 <= thr_full[fj]
            mult = seg_n[pe]  # each segment's edges
            k = np.repeat(seg_first[pe] - (np.cumsum(mult) - mult), mult) + np.arange(mult.sum())
            keys.append(np.repeat(fj * nxf + fi, mult))
            pair_edges.append(by_seg[k])
            fulls.append(np.repeat(full, mult))
            lo = hi
        p_key = np.concatenate(keys) if keys else np.zeros(0, np.int64)
        p_edge = np.concatenate(pair_edges) if pair_edges else np.zeros(0, np.int64)
        p_full = np.concatenate(fulls) if fulls else np.zeros(0, bool)

        cell_key, first, grp, code, order = _classify(p_key, eg[p_edge], p_full, n_groups)
        p_edge = p_edge[order]
        n_cells = len(cell_key)
        list_start = np.append(first, len(p_edge)).astype(np.int64)

        # Cells the kernel would decide for some group with two or more groups in reach (the
        # bands along lines between groups) are split refine x refine and classified again.
        undecided = ((code & 3) == CHECK) | ((code >> 2) == CHECK)
        n_in_reach = np.zeros(n_cells, np.int64)
        if n_cells:
            groups_seen = eg[p_edge]
            change = np.ones(len(p_edge), dtype=bool)
            change[1:] = groups_seen[1:] != groups_seen[:-1]
            change[first] = True
            n_in_reach = np.add.reduceat(change.astype(np.int64), first)
        split = np.flatnonzero(undecided & (n_in_reach >= 2))
        # Splitting costs list length x refine^2 distances: within a budget, shortest lists first
        # (only a grouping with a line round nearly every county comes near it).
        cost = (list_start[split + 1] - list_start[split]) * refine * refine
        if cost.sum() > _REFINE_BUDGET:
            cheap = np.argsort(cost, kind="stable")
            split = np.sort(split[cheap[np.cumsum(cost[cheap]) <= _REFINE_BUDGET]])
        ref_grp, ref_code = cls._refine(
            split, cell_key, list_start, p_edge, e, eg,
            ox, oy, fdeg, nxf, refine, tol_hi, tol_lo,
        )  # fmt: skip
        cell_ref = np.full(n_cells, -1, dtype=np.int32)
        cell_ref[split] = np.arange(len(split), dtype=np.int32)

        fj_a, fi_a = cell_key // nxf, cell_key % nxf
        shift = sub.bit_length() - 1
        blocks, block_of = np.unique((fj_a >> shift) * nx + (fi_a >> shift), return_inverse=True)
        coarse = np.full(nx * ny, -1, dtype=np.int32)
        coarse[blocks] = np.arange(len(blocks), dtype=np.int32)
        fine_at = (block_of << (2 * shift)) | ((fj_a & (sub - 1)) << shift) | (fi_a & (sub - 1))
        n_fine = len(blocks) * sub * sub
        fine_grp = np.full(n_fine, -1, dtype=np.int32)
        fine_code = np.zeros(n_fine, dtype=np.uint8)  # nothing in reach: NO whatever the group
        fine_list = np.full(n_fine, -1, dtype=np.int32)
        fine_grp[fine_at] = grp
        fine_code[fine_at] = code
        fine_list[fine_at] = np.arange(n_cells, dtype=np.int32)

        return cls(
            {
                "format_version": np.array(FORMAT_VERSION),
                "tolerance_km": np.array(tol),
                "margin": np.array(float(margin)),
                "origin_x": np.array(ox),
                "origin_y": np.array(oy),
                "coarse_deg": np.array(float(coarse_deg)),
                "sub": np.array(sub),
                "refine": np.array(refine),
                "nx": np.array(nx),
                "ny": np.array(ny),
                "coarse": coarse,
                "fine_grp": fine_grp,
                "fine_code": fine_code,
                "fine_list": fine_list,
                "list_start": list_start,
                "list_edge": p_edge.astype(np.int32),
                "cell_ref": cell_ref,
                "ref_grp": ref_grp,
                "ref_code": ref_code,
                "edge_x0": np.ascontiguousarray(e[:, 0]),
                "edge_y0": np.ascontiguousarray(e[:, 1]),
                "edge_x1": np.ascontiguousarray(e[:, 2]),
                "edge_y1": np.ascontiguousarray(e[:, 3]),
                "edge_county": ec.astype(np.int32),
                "edge_gid": eg.astype(np.int32),
                "county_gid": county_gid,
                "group_values": group_values.astype(np.int64),
            }
        )

    @staticmethod
    def _refine(
        split: I64, cell_key: I64, list_start: I64, list_edge: I64, e: F64, eg: I64, ox: float, oy: float, fdeg: float, nxf: int, refine: int,
        tol_hi: float, tol_lo: float,
    ) -> tuple[I32, U8]:  # fmt: skip
        """grp and code of the refine x refine sub-cells of each split cell, from its list.

        A split cell's list is sorted by group, so one (listed edge x sub-cell) matrix per chunk
        of cells, reduced over the runs of one group, then over the cell, classifies every
        sub-cell without sorting anything.
        """
        rr = refine * refine
        ref_grp = np.full((len(split), rr), -1, dtype=np.int32)
        ref_code = np.zeros((len(split), rr), dtype=np.uint8)
        size = fdeg / refine
        qx = np.arange(rr) % refine
        qy = np.arange(rr) // refine
        ne_all = list_start[split + 1] - list_start[split]
        ends = np.cumsum(ne_all) * rr
        lo = 0
        while lo < len(split):
            hi = max(int(np.searchsorted(ends, ends[lo] - ne_all[lo] * rr + _PAIR_CHUNK)), lo + 1)
            cells = split[lo:hi]
            s0 = list_start[cells]
            ne = ne_all[lo:hi]
            cell_of = np.repeat(np.arange(len(cells)), ne)
            edge = list_edge[np.arange(int(ne.sum())) + np.repeat(s0 - (np.cumsum(ne) - ne), ne)]
            fi, fj = cell_key[cells] % nxf, cell_key[cells] // nxf
            row = (fj * refine)[cell_of][:, None] + qy
            r_min = int(row.min())
            y_c, kx_c, ky_c, thr_in, thr_full = _row_bounds(
                oy + r_min * size, size, int(row.max()) - r_min + 1, tol_hi, tol_lo
            )
            row -= r_min
            x_c = ox + ((fi * refine)[cell_of][:, None] + qx + 0.5) * size
            d2 = _seg_km2(
                x_c.astype(np.float64), y_c[row], kx_c[row], ky_c[row], e[edge, 0][:, None],
                e[edge, 1][:, None], e[edge, 2][:, None], e[edge, 3][:, None],
            )  # fmt: skip
            reach = d2 <= thr_in[row]
            full = d2 <= thr_full[row]
            # per (run of one group in one cell, sub-cell): any edge in reach / surely near;
            # then per (cell, sub-cell): how many such groups, and which (sums: used when one)
            g = eg[edge]
            new_run = np.ones(len(edge), dtype=bool)
            new_run[1:] = (cell_of[1:] != cell_of[:-1]) | (g[1:] != g[:-1])
            run_of = np.cumsum(new_run) - 1
            n_runs = int(run_of[-1]) + 1
            at = (run_of[:, None] * rr + np.arange(rr)).ravel()
            in_run = np.bincount(at, reach.ravel(), n_runs * rr).reshape(n_runs, rr) > 0
            full_run = np.bincount(at, full.ravel(), n_runs * rr).reshape(n_runs, rr) > 0
            full_run &= in_run
            run0 = np.flatnonzero(new_run)
            run_g = g[run0][:, None].astype(np.float64)
            at = (cell_of[run0][:, None] * rr + np.arange(rr)).ravel()
            n = len(cells) * rr
            grp, code = _codes(
                _sums(at, in_run, n), _sums(at, full_run, n), _sums(at, full_run * run_g, n),
                _sums(at, in_run * run_g, n),
            )  # fmt: skip
            ref_grp[lo:hi] = grp
            ref_code[lo:hi] = code
            lo = hi
        return ref_grp.ravel(), ref_code.ravel()

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
        """Each county's group, as given to build."""
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

    def fast_path(self, lon: npt.ArrayLike, lat: npt.ArrayLike, county: npt.ArrayLike) -> U8:
        """What near_other's grid decides per point: NO, YES, or CHECK (the kernel decides)."""
        x, y = self._xy(lon, lat)
        out = np.full(len(x), NO, dtype=np.uint8)
        c = np.asarray(county, dtype=np.intp).ravel()
        pos, _, act, _ = self._actions(x, y, c, self._county_gid)
        out[pos] = act
        return out

    def other_groups_within(
        self, lon: npt.ArrayLike, lat: npt.ArrayLike, group: npt.ArrayLike
    ) -> Bools:
        """Per point (typically outside every county): is a county of a group other than the
        point's `group` (a caller's group id, as given to build) within tol?"""
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
