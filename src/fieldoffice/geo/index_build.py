"""Build the point -> polygon grid index ahead of time (the data build calls this; runtime never does).

Layout: a global coarse grid; each coarse cell is empty, wholly inside one polygon (and touching no
other), or split into `sub` x `sub` fine cells classified the same way. A fine cell that is still
mixed keeps the polygon edges crossing it, its candidate polygons, and a reference point C whose
inside/outside status per candidate is known exactly. A query point p then flips C's status once per
edge the segment C-p crosses. Every box is grown by `margin` so that a point rounded into a
neighbouring cell by a floating-point ulp is still inside the box it was classified with.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
import shapely

from fieldoffice.geo.index_arrays import IndexArrays
from fieldoffice.geo.orient import orient

_I64 = npt.NDArray[np.int64]


def polygon_edges(polys: Sequence[shapely.Geometry]) -> tuple[npt.NDArray[np.float64], _I64]:
    """All ring edges as an (n, 4) array of ax, ay, bx, by, and the polygon each belongs to."""
    parts, part_owner = shapely.get_parts(np.asarray(polys, dtype=object), return_index=True)
    rings, ring_part = shapely.get_rings(parts, return_index=True)
    coords, coord_ring = shapely.get_coordinates(rings, return_index=True)
    same_ring = coord_ring[:-1] == coord_ring[1:]
    a = coords[:-1][same_ring]
    b = coords[1:][same_ring]
    owner = part_owner[ring_part[coord_ring[:-1][same_ring]]]
    nonzero = np.any(a != b, axis=1)
    edges = np.hstack([a[nonzero], b[nonzero]])
    return edges, owner[nonzero].astype(np.int64)


def _boxes(
    x0: npt.NDArray[np.float64], y0: npt.NDArray[np.float64], size: float, margin: float
) -> npt.NDArray[np.object_]:
    boxes: npt.NDArray[np.object_] = shapely.box(
        x0 - margin, y0 - margin, x0 + size + margin, y0 + size + margin
    )
    return boxes


def _classify(
    tree: shapely.STRtree, polys: npt.NDArray[np.object_], boxes: npt.NDArray[np.object_]
) -> tuple[npt.NDArray[np.int64], _I64, _I64]:
    """Per box: polygon index if wholly inside exactly one, -1 if touching none, -2 if mixed.

    Also returns the (box, polygon) intersecting pairs so mixed boxes can reuse them.
    """
    pairs = tree.query(boxes, predicate="intersects")
    box_i, poly_i = pairs[0].astype(np.int64), pairs[1].astype(np.int64)
    counts = np.bincount(box_i, minlength=len(boxes))
    out = np.full(len(boxes), -2, dtype=np.int64)
    out[counts == 0] = -1
    single = np.flatnonzero(counts == 1)
    if len(single):
        first = np.searchsorted(box_i, single)
        owner = poly_i[first]
        inside = shapely.contains_properly(polys[owner], boxes[single])
        out[single[inside]] = owner[inside]
    return out, box_i, poly_i


def build_index(
    polys: Sequence[shapely.Geometry],
    *,
    coarse_deg: float = 0.25,
    sub: int = 16,
    margin: float = 1e-7,
) -> IndexArrays:
    geoms = np.asarray(polys, dtype=object)
    tree = shapely.STRtree(geoms)
    coarse, ii, jj, mixed_c = _coarse_cells(tree, geoms, coarse_deg, margin)

    # Fine cells of every mixed coarse cell, in block order then row-major within the block.
    fine_deg = coarse_deg / sub
    fj, fi = np.mgrid[0:sub, 0:sub]
    fx0 = (ii[mixed_c, None] * coarse_deg - 180.0) + fi.ravel()[None, :] * fine_deg
    fy0 = (jj[mixed_c, None] * coarse_deg - 90.0) + fj.ravel()[None, :] * fine_deg
    fx0, fy0 = fx0.ravel(), fy0.ravel()
    fboxes = _boxes(fx0, fy0, fine_deg, margin)
    fcls, fbox_i, fpoly_i = _classify(tree, geoms, fboxes)
    fine = np.where(fcls >= -1, fcls, 0).astype(np.int32)
    mixed_f = np.flatnonzero(fcls == -2)
    fine[mixed_f] = (-2 - np.arange(len(mixed_f))).astype(np.int32)

    cand_cell, cand_poly, cand_start = _candidates(fbox_i, fpoly_i, mixed_f, len(fboxes))
    edges, owner = polygon_edges(polys)
    pe_cell, pe_edge, edge_start = _crossing_edges(edges, fboxes[mixed_f])
    # slot = position of the edge's owner within its cell's candidate run
    key_c = cand_cell * (len(geoms) + 1) + cand_poly
    key_e = pe_cell * (len(geoms) + 1) + owner[pe_edge]
    pos = np.searchsorted(key_c, key_e)
    if not np.array_equal(key_c[np.minimum(pos, len(key_c) - 1)], key_e):
        raise RuntimeError("an edge's polygon is missing from its cell's candidates")
    pe_slot = pos - cand_start[pe_cell]

    cx, cy = _reference_points(fx0[mixed_f], fy0[mixed_f], fine_deg, edges, pe_cell, pe_edge)
    ax, ay, bx, by = (edges[pe_edge, k] for k in range(4))
    csign, amb = orient(ax, ay, bx, by, cx[pe_cell], cy[pe_cell])
    assert not amb.any()
    cand_inside = shapely.covers(geoms[cand_poly], shapely.points(cx[cand_cell], cy[cand_cell]))

    return IndexArrays(
        origin_x=-180.0,
        origin_y=-90.0,
        coarse_deg=coarse_deg,
        sub=sub,
        coarse=coarse,
        fine=fine,
        cell_cx=cx,
        cell_cy=cy,
        cell_edge_start=edge_start.astype(np.int64),
        pair_edge=pe_edge.astype(np.int32),
        pair_slot=pe_slot.astype(np.int16),
        pair_csign=csign,
        cell_cand_start=cand_start.astype(np.int64),
        cand_poly=cand_poly.astype(np.int32),
        cand_inside=cand_inside.astype(np.bool_),
        edges=edges,
        n_polys=len(geoms),
    )


def _coarse_cells(
    tree: shapely.STRtree, geoms: npt.NDArray[Any], coarse_deg: float, margin: float
) -> tuple[npt.NDArray[np.int32], npt.NDArray[Any], npt.NDArray[Any], npt.NDArray[np.int64]]:
    """The world's coarse grid: per cell its one polygon, -1 for none, or -2 - n for the n-th
    mixed cell; with the columns and rows of the cells over the polygons' bounds, and which of
    those are mixed."""
    nx, ny = round(360 / coarse_deg), round(180 / coarse_deg)
    coarse = np.full((ny, nx), -1, dtype=np.int32)
    present = ~shapely.is_empty(geoms)
    xmin, ymin, xmax, ymax = shapely.total_bounds(geoms[present])
    i0, i1 = int((xmin + 180) // coarse_deg), min(nx - 1, int((xmax + 180) // coarse_deg))
    j0, j1 = int((ymin + 90) // coarse_deg), min(ny - 1, int((ymax + 90) // coarse_deg))
    jj, ii = np.mgrid[j0 : j1 + 1, i0 : i1 + 1]
    jj, ii = jj.ravel(), ii.ravel()
    cboxes = _boxes(ii * coarse_deg - 180.0, jj * coarse_deg - 90.0, coarse_deg, margin)
    cls, _, _ = _classify(tree, geoms, cboxes)
    coarse[jj, ii] = np.where(cls >= -1, cls, 0).astype(np.int32)
    mixed_c = np.flatnonzero(cls == -2)
    coarse[jj[mixed_c], ii[mixed_c]] = (-2 - np.arange(len(mixed_c))).astype(np.int32)
    return coarse, ii, jj, mixed_c


def _candidates(
    box_i: npt.NDArray[np.int64], poly_i: npt.NDArray[np.int64], mixed: npt.NDArray[np.int64],
    n_boxes: int,
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.int64]]:  # fmt: skip
    """The candidates of each mixed fine cell, sorted by polygon index (lowest index wins ties):
    their cell, their polygon, and where each cell's run starts."""
    mixed_id = np.full(n_boxes, -1, dtype=np.int64)
    mixed_id[mixed] = np.arange(len(mixed))
    keep = mixed_id[box_i] >= 0
    cand_cell, cand_poly = mixed_id[box_i[keep]], poly_i[keep]
    order = np.lexsort((cand_poly, cand_cell))
    cand_cell, cand_poly = cand_cell[order], cand_poly[order]
    return cand_cell, cand_poly, np.searchsorted(cand_cell, np.arange(len(mixed) + 1))


def _crossing_edges(
    edges: npt.NDArray[np.float64], boxes: npt.NDArray[Any]
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """The edges crossing each box: (box, edge) pairs sorted by box then edge, and where each
    box's run starts."""
    etree = shapely.STRtree(shapely.linestrings(edges.reshape(-1, 2, 2)))
    ep = etree.query(boxes, predicate="intersects")
    pe_cell, pe_edge = ep[0].astype(np.int64), ep[1].astype(np.int64)
    order = np.lexsort((pe_edge, pe_cell))
    pe_cell, pe_edge = pe_cell[order], pe_edge[order]
    return pe_cell, pe_edge, np.searchsorted(pe_cell, np.arange(len(boxes) + 1))


def _reference_points(
    x0: npt.NDArray[np.float64],
    y0: npt.NDArray[np.float64],
    size: float,
    edges: npt.NDArray[np.float64],
    pe_cell: _I64,
    pe_edge: _I64,
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """A point per cell lying on no edge's line (orientation unambiguous against every cell edge)."""
    n = len(x0)
    cx = np.empty(n)
    cy = np.empty(n)
    todo = np.ones(n, dtype=bool)
    rng = np.random.default_rng(20261127)
    fractions = [(0.5, 0.5)] + [tuple(rng.uniform(0.05, 0.95, 2)) for _ in range(64)]
    for fx, fy in fractions:
        cx[todo] = x0[todo] + fx * size
        cy[todo] = y0[todo] + fy * size
        sel = todo[pe_cell]
        e = pe_edge[sel]
        _, amb = orient(
            edges[e, 0], edges[e, 1], edges[e, 2], edges[e, 3], cx[pe_cell[sel]], cy[pe_cell[sel]]
        )
        bad = np.zeros(n, dtype=bool)
        bad[pe_cell[sel][amb]] = True
        todo &= bad
        if not todo.any():
            return cx, cy
    raise RuntimeError(f"{int(todo.sum())} cells have no unambiguous reference point")
