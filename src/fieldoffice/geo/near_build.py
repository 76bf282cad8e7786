"""Building the near index (near.py): which ring edges each grid cell must measure, and what the
grid alone can answer for a point of each group. Numpy only; the layout is near.py's docstring.

The build runs once per data and directory version (its arrays are a derived snapshot of the
context), so it trades memory for time in chunks of _PAIR_CHUNK (edge, cell) pairs.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from fieldoffice.geo.near import (
    CHECK,
    F64,
    FORMAT_VERSION,
    I32,
    I64,
    KM_PER_DEG_LAT_MIN,
    NO,
    U8,
    YES,
    Bools,
    NearIndex,
    _along,
    km_per_degree,
)

# Cells are bounded as if this much larger on every side, so a point that floating-point rounding
# puts in a neighbouring cell is still covered by the bounds of the cell it lands in.
_PAD_DEG = 1e-7
# Edge-cell pairs are enumerated this many at a time during the build (bounds peak memory).
_PAIR_CHUNK = 1 << 21
# At most this many distances for splitting cells (about half a second).
_REFINE_BUDGET = 8_000_000
_ENDS = ("x0", "y0", "x1", "y1")  # an edge's coordinates, as the index stores them


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


@dataclass(frozen=True)
class _Grid:
    """The coarse grid over every segment's reach, and its fine cells."""

    ox: float  # origin, degrees
    oy: float
    nx: int  # coarse cells across and up (with an empty border)
    ny: int
    sub: int
    fdeg: float  # a fine cell's size, degrees

    @property
    def nxf(self) -> int:
        return self.nx * self.sub


def _grid(seg: F64, reach_x: F64, ylo: F64, yhi: F64, coarse_deg: float, sub: int) -> _Grid:
    """The grown boxes of the segments, aligned to coarse_deg, and an empty border all round."""
    if len(seg):
        xlo = float(np.minimum(seg[:, 0], seg[:, 2]).min() - reach_x.max())
        xhi = float(np.maximum(seg[:, 0], seg[:, 2]).max() + reach_x.max())
        c_x0 = math.floor(xlo / coarse_deg) - 1
        c_y0 = math.floor(float(ylo.min()) / coarse_deg) - 1
        nx = math.floor(xhi / coarse_deg) - c_x0 + 2
        ny = math.floor(float(yhi.max()) / coarse_deg) - c_y0 + 2
    else:
        c_x0, c_y0, nx, ny = 0, 0, 1, 1
    return _Grid(c_x0 * coarse_deg, c_y0 * coarse_deg, nx, ny, sub, coarse_deg / sub)


def _pairs(
    e: F64, coarse_deg: float, sub: int, tol_hi: float, tol_lo: float
) -> tuple[_Grid, I64, I64, Bools]:
    """The grid, and every (fine cell, edge) within reach: the cell's key, the edge, and whether
    every point of the cell is surely within tol_lo of it.

    A line between two groups is kept once per side: each segment is measured once. Each
    segment's box is grown by every point that could be within tol_hi of it: |dy| <= d / ky and
    |dx| <= d / kx at the point, ky is least at the equator, and kx at the point is at least kx at
    the box's greatest |lat| (kx falls with |lat|)."""
    seg, seg_of = _segments(e)
    reach_y = tol_hi / KM_PER_DEG_LAT_MIN + 2 * _PAD_DEG
    ylo = np.minimum(seg[:, 1], seg[:, 3]) - reach_y
    yhi = np.maximum(seg[:, 1], seg[:, 3]) + reach_y
    top = np.minimum(np.maximum(np.abs(ylo), np.abs(yhi)), 90.0)
    kx_top = np.maximum(km_per_degree(top)[0], 1e-9)
    reach_x = np.minimum(tol_hi / kx_top, 360.0) + 2 * _PAD_DEG
    g = _grid(seg, reach_x, ylo, yhi, coarse_deg, sub)
    j0 = np.floor((ylo - g.oy) / g.fdeg).astype(np.int64)
    j1 = np.floor((yhi - g.oy) / g.fdeg).astype(np.int64)
    # Row by row: in a row, only the columns within reach_x of the stretch of the segment within
    # reach_y of the row.
    n_rows = j1 - j0 + 1
    s_of = np.repeat(np.arange(len(seg)), n_rows)
    row = np.arange(len(s_of)) + np.repeat(j0 - (np.cumsum(n_rows) - n_rows), n_rows)
    band_lo = g.oy + row * g.fdeg - reach_y
    band_hi = g.oy + (row + 1) * g.fdeg + reach_y
    x0, y0, x1, y1 = (seg[s_of, k] for k in range(4))
    with np.errstate(divide="ignore", invalid="ignore"):
        ta, tb = (band_lo - y0) / (y1 - y0), (band_hi - y0) / (y1 - y0)
    flat = y1 == y0  # all of it is within the band (its rows are those of its box)
    t_lo = np.where(flat, 0.0, np.clip(np.minimum(ta, tb), 0.0, 1.0))
    t_hi = np.where(flat, 1.0, np.clip(np.maximum(ta, tb), 0.0, 1.0))
    xa, xb = x0 + t_lo * (x1 - x0), x0 + t_hi * (x1 - x0)
    pad = reach_x[s_of] + _PAD_DEG
    i0 = np.floor((np.minimum(xa, xb) - pad - g.ox) / g.fdeg).astype(np.int64)
    n_cols = np.floor((np.maximum(xa, xb) + pad - g.ox) / g.fdeg).astype(np.int64) - i0 + 1
    bounds = _row_bounds(g.oy, g.fdeg, g.ny * sub, tol_hi, tol_lo)
    key, edge, full = _pairs_in_reach(g, seg, seg_of, s_of, row, i0, n_cols, bounds)
    return g, key, edge, full


def _pairs_in_reach(
    g: _Grid, seg: F64, seg_of: I64, s_of: I64, row: I64, i0: I64, n_cols: I64,
    bounds: tuple[F64, F64, F64, F64, F64],
) -> tuple[I64, I64, Bools]:  # fmt: skip
    """Of the (segment, row, columns) stretches, the (fine cell, edge) pairs where some point of
    the cell may be within tol_hi ("full" if all of it is surely within tol_lo), each segment's
    pairs given to every edge that is a copy of it."""
    y_c, kx_c, ky_c, thr_in, thr_full = bounds
    by_seg = np.argsort(seg_of, kind="stable")  # edges, segment by segment
    seg_n = np.bincount(seg_of, minlength=len(seg))
    seg_first = np.cumsum(seg_n) - seg_n
    keys: list[I64] = []
    pair_edges: list[I64] = []
    fulls: list[Bools] = []
    ends = np.cumsum(n_cols)
    lo = 0
    while lo < len(s_of):
        hi = max(int(np.searchsorted(ends, ends[lo] - n_cols[lo] + _PAIR_CHUNK, "right")), lo + 1)
        c = n_cols[lo:hi]
        at = np.repeat(np.arange(lo, hi), c)
        fi = np.arange(int(c.sum())) + np.repeat(i0[lo:hi] - (np.cumsum(c) - c), c)
        fj = row[at]
        pe = s_of[at]
        d2 = _seg_km2(
            g.ox + (fi + 0.5) * g.fdeg, y_c[fj], kx_c[fj], ky_c[fj],
            seg[pe, 0], seg[pe, 1], seg[pe, 2], seg[pe, 3],
        )  # fmt: skip
        sel = np.flatnonzero(d2 <= thr_in[fj])
        fj, fi, d2, pe = fj[sel], fi[sel], d2[sel], pe[sel]
        full = d2 <= thr_full[fj]
        mult = seg_n[pe]  # each segment's edges
        k = np.repeat(seg_first[pe] - (np.cumsum(mult) - mult), mult) + np.arange(mult.sum())
        keys.append(np.repeat(fj * g.nxf + fi, mult))
        pair_edges.append(by_seg[k])
        fulls.append(np.repeat(full, mult))
        lo = hi
    return (
        np.concatenate(keys) if keys else np.zeros(0, np.int64),
        np.concatenate(pair_edges) if pair_edges else np.zeros(0, np.int64),
        np.concatenate(fulls) if fulls else np.zeros(0, bool),
    )


def _cells_to_split(
    code: U8, first: I64, list_start: I64, p_edge: I64, eg: I64, refine: int
) -> I64:
    """Cells the kernel would decide for some group with two or more groups in reach (the bands
    along lines between groups): split refine x refine and classified again, within a budget,
    shortest lists first (only a grouping with a line round nearly every county comes near it)."""
    n_cells = len(code)
    undecided = ((code & 3) == CHECK) | ((code >> 2) == CHECK)
    n_in_reach = np.zeros(n_cells, np.int64)
    if n_cells:
        groups_seen = eg[p_edge]
        change = np.ones(len(p_edge), dtype=bool)
        change[1:] = groups_seen[1:] != groups_seen[:-1]
        change[first] = True
        n_in_reach = np.add.reduceat(change.astype(np.int64), first)
    split = np.flatnonzero(undecided & (n_in_reach >= 2))
    # Splitting costs list length x refine^2 distances.
    cost = (list_start[split + 1] - list_start[split]) * refine * refine
    if cost.sum() > _REFINE_BUDGET:
        cheap = np.argsort(cost, kind="stable")
        split = np.sort(split[cheap[np.cumsum(cost[cheap]) <= _REFINE_BUDGET]])
    return split


def _fine_layout(g: _Grid, cell_key: I64, grp: I32, code: U8) -> dict[str, npt.NDArray[Any]]:
    """The coarse grid's blocks of sub x sub fine cells, only where some cell has a list: per fine
    cell its grp, code and list (-1: nothing in reach, NO whatever the group)."""
    sub, n_cells = g.sub, len(cell_key)
    fj_a, fi_a = cell_key // g.nxf, cell_key % g.nxf
    shift = sub.bit_length() - 1
    blocks, block_of = np.unique((fj_a >> shift) * g.nx + (fi_a >> shift), return_inverse=True)
    coarse = np.full(g.nx * g.ny, -1, dtype=np.int32)
    coarse[blocks] = np.arange(len(blocks), dtype=np.int32)
    fine_at = (block_of << (2 * shift)) | ((fj_a & (sub - 1)) << shift) | (fi_a & (sub - 1))
    n_fine = len(blocks) * sub * sub
    fine_grp = np.full(n_fine, -1, dtype=np.int32)
    fine_code = np.zeros(n_fine, dtype=np.uint8)
    fine_list = np.full(n_fine, -1, dtype=np.int32)
    fine_grp[fine_at] = grp
    fine_code[fine_at] = code
    fine_list[fine_at] = np.arange(n_cells, dtype=np.int32)
    return {"coarse": coarse, "fine_grp": fine_grp, "fine_code": fine_code, "fine_list": fine_list}


def _kept_edges(
    edges: npt.ArrayLike, edge_county: npt.ArrayLike, county_group: npt.ArrayLike
) -> tuple[F64, I64, I64, I32, npt.NDArray[Any]]:
    """The outer edges (canonical), their counties and dense group ids; each county's dense
    group id, and the group values those ids stand for."""
    e_all = np.ascontiguousarray(edges, dtype=np.float64).reshape(-1, 4)
    ec_all = np.asarray(edge_county, dtype=np.int64).ravel()
    group_values, inverse = np.unique(np.asarray(county_group).ravel(), return_inverse=True)
    county_gid: I32 = inverse.astype(np.int32)
    keep = outer_edges(e_all, county_gid[ec_all].astype(np.int64))
    e, ec = canonical(e_all[keep]), ec_all[keep]
    return e, ec, county_gid[ec].astype(np.int64), county_gid, group_values


def build_near_index(
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
    e, ec, eg, county_gid, group_values = _kept_edges(edges, edge_county, county_group)
    tol = float(tolerance_km)
    tol_hi, tol_lo = tol * (1.0 + margin), tol * (1.0 - margin)

    g, p_key, p_edge, p_full = _pairs(e, coarse_deg, sub, tol_hi, tol_lo)
    n_groups = max(len(group_values), 1)
    cell_key, first, grp, code, order = _classify(p_key, eg[p_edge], p_full, n_groups)
    p_edge = p_edge[order]
    list_start = np.append(first, len(p_edge)).astype(np.int64)
    split = _cells_to_split(code, first, list_start, p_edge, eg, refine)
    ref_grp, ref_code = _refine(
        split, cell_key, list_start, p_edge, e, eg, g, refine, tol_hi, tol_lo
    )
    cell_ref = np.full(len(cell_key), -1, dtype=np.int32)
    cell_ref[split] = np.arange(len(split), dtype=np.int32)
    return NearIndex(
        {
            "format_version": np.array(FORMAT_VERSION),
            "tolerance_km": np.array(tol),
            "margin": np.array(float(margin)),
            "origin_x": np.array(g.ox),
            "origin_y": np.array(g.oy),
            "coarse_deg": np.array(float(coarse_deg)),
            "sub": np.array(sub),
            "refine": np.array(refine),
            "nx": np.array(g.nx),
            "ny": np.array(g.ny),
            **_fine_layout(g, cell_key, grp, code),
            "list_start": list_start,
            "list_edge": p_edge.astype(np.int32),
            "cell_ref": cell_ref,
            "ref_grp": ref_grp,
            "ref_code": ref_code,
            **{f"edge_{xy}": np.ascontiguousarray(e[:, i]) for i, xy in enumerate(_ENDS)},
            "edge_county": ec.astype(np.int32),
            "edge_gid": eg.astype(np.int32),
            "county_gid": county_gid,
            "group_values": group_values.astype(np.int64),
        }
    )


def _refine(
    split: I64, cell_key: I64, list_start: I64, list_edge: I64, e: F64, eg: I64, g: _Grid,
    refine: int, tol_hi: float, tol_lo: float,
) -> tuple[I32, U8]:  # fmt: skip
    """grp and code of the refine x refine sub-cells of each split cell, from its list.

    A split cell's list is sorted by group, so one (listed edge x sub-cell) matrix per chunk
    of cells, reduced over the runs of one group, then over the cell, classifies every
    sub-cell without sorting anything.
    """
    rr = refine * refine
    ref_grp = np.full((len(split), rr), -1, dtype=np.int32)
    ref_code = np.zeros((len(split), rr), dtype=np.uint8)
    ne_all = list_start[split + 1] - list_start[split]
    ends = np.cumsum(ne_all) * rr
    lo = 0
    while lo < len(split):
        hi = max(int(np.searchsorted(ends, ends[lo] - ne_all[lo] * rr + _PAIR_CHUNK)), lo + 1)
        cells = split[lo:hi]
        ne = ne_all[lo:hi]
        cell_of = np.repeat(np.arange(len(cells)), ne)
        s0 = list_start[cells]
        edge = list_edge[np.arange(int(ne.sum())) + np.repeat(s0 - (np.cumsum(ne) - ne), ne)]
        reach, full = _sub_cell_reach(g, cell_key[cells], cell_of, edge, e, refine, tol_hi, tol_lo)
        grp, code = _sub_cell_codes(cell_of, eg[edge], reach, full, len(cells), rr)
        ref_grp[lo:hi] = grp
        ref_code[lo:hi] = code
        lo = hi
    return ref_grp.ravel(), ref_code.ravel()


def _sub_cell_reach(
    g: _Grid, keys: I64, cell_of: I64, edge: I64, e: F64, refine: int, tol_hi: float,
    tol_lo: float,
) -> tuple[Bools, Bools]:  # fmt: skip
    """Per (listed edge, sub-cell) of some cells: may the edge be within tol_hi of some point of
    the sub-cell, and is it surely within tol_lo of all of it."""
    rr = refine * refine
    size = g.fdeg / refine
    qx = np.arange(rr) % refine
    qy = np.arange(rr) // refine
    fi, fj = keys % g.nxf, keys // g.nxf
    row = (fj * refine)[cell_of][:, None] + qy
    r_min = int(row.min())
    y_c, kx_c, ky_c, thr_in, thr_full = _row_bounds(
        g.oy + r_min * size, size, int(row.max()) - r_min + 1, tol_hi, tol_lo
    )
    row -= r_min
    x_c = g.ox + ((fi * refine)[cell_of][:, None] + qx + 0.5) * size
    d2 = _seg_km2(
        x_c.astype(np.float64), y_c[row], kx_c[row], ky_c[row], e[edge, 0][:, None],
        e[edge, 1][:, None], e[edge, 2][:, None], e[edge, 3][:, None],
    )  # fmt: skip
    return d2 <= thr_in[row], d2 <= thr_full[row]


def _sub_cell_codes(
    cell_of: I64, g: I64, reach: Bools, full: Bools, n_cells: int, rr: int
) -> tuple[I32, U8]:
    """grp and code per (cell, sub-cell): per (run of one group in one cell, sub-cell), any edge
    in reach / surely near; then per (cell, sub-cell), how many such groups, and which (sums:
    used when one)."""
    new_run = np.ones(len(g), dtype=bool)
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
    n = n_cells * rr
    grp, code = _codes(
        _sums(at, in_run, n), _sums(at, full_run, n), _sums(at, full_run * run_g, n),
        _sums(at, in_run * run_g, n),
    )  # fmt: skip
    return grp, code
