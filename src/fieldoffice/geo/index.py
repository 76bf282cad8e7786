"""Point -> polygon, exactly as shapely `covers` decides, fast (see index_build for the layout).

Where several polygons cover a point (a shared boundary, a shared vertex) the lowest polygon index
wins, so a point on a county line always resolves to the same county.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from fieldoffice.core.errors import InvalidCoordinates
from fieldoffice.geo.index_arrays import IndexArrays
from fieldoffice.geo.orient import orient, orient_one

if TYPE_CHECKING:
    import shapely

NO_POLYGON = -1
INVALID = -2

F64 = npt.NDArray[np.float64]
I32 = npt.NDArray[np.int32]


def check_coordinates(lat: float, lon: float) -> None:
    """Refuse NaN, infinities and out-of-range values with a message a person can act on."""
    if not (math.isfinite(lat) and math.isfinite(lon)):
        raise InvalidCoordinates(
            f"latitude and longitude must be finite numbers, got lat={lat!r}, lon={lon!r}"
        )
    if not -90.0 <= lat <= 90.0:
        hint = " (did you swap latitude and longitude?)" if -90 <= lon <= 90 else ""
        raise InvalidCoordinates(f"latitude {lat} is outside -90..90{hint}")
    if not -180.0 <= lon <= 180.0:
        raise InvalidCoordinates(f"longitude {lon} is outside -180..180")


class PointIndex:
    def __init__(
        self, arrays: IndexArrays, polygons: Callable[[], npt.NDArray[np.object_]]
    ) -> None:
        self.a = arrays
        self._polygons_loader = polygons
        self._tree: shapely.STRtree | None = None
        self._polys: npt.NDArray[np.object_] | None = None
        self._inv = 1.0 / arrays.coarse_deg
        self._sub = arrays.sub
        self._fine_inv = arrays.sub / arrays.coarse_deg
        ny, nx = arrays.coarse.shape
        self._nx, self._ny = nx, ny
        self._coarse_flat = np.ascontiguousarray(arrays.coarse).ravel()

    # -- exact fallback -------------------------------------------------------------------------
    def _exact(self, x: F64, y: F64) -> I32:
        import shapely  # only points too close to an edge to call need it

        if self._tree is None:
            self._polys = self._polygons_loader()
            self._tree = shapely.STRtree(self._polys)
        pt, poly = self._tree.query(shapely.points(x, y), predicate="intersects")
        out = np.full(len(x), NO_POLYGON, dtype=np.int64)
        big = np.iinfo(np.int64).max
        best = np.full(len(x), big, dtype=np.int64)
        np.minimum.at(best, pt, poly)
        out[best != big] = best[best != big]
        return out.astype(np.int32)

    # -- vectorised -----------------------------------------------------------------------------
    def lookup(self, *, lat: npt.ArrayLike, lon: npt.ArrayLike, on_invalid: str = "raise") -> I32:
        """Polygon index for each point; NO_POLYGON outside all; INVALID for bad rows if marked.

        on_invalid="raise" refuses the whole call when any row is NaN or out of range;
        on_invalid="mark" answers INVALID for those rows and the rest as usual.
        """
        y = np.asarray(lat, dtype=np.float64).ravel()
        x = np.asarray(lon, dtype=np.float64).ravel()
        if x.shape != y.shape:
            raise InvalidCoordinates(f"lat has {y.size} values but lon has {x.size}")
        valid = (y >= -90.0) & (y <= 90.0) & (x >= -180.0) & (x <= 180.0)  # False for NaN
        if not valid.all():
            if on_invalid == "raise":
                bad = int(np.flatnonzero(~valid)[0])
                check_coordinates(float(y[bad]), float(x[bad]))
            elif on_invalid != "mark":
                raise ValueError("on_invalid must be 'raise' or 'mark'")
        if valid.all():  # the usual case: no copies
            return self._lookup_valid(x, y)
        out = np.full(x.shape, INVALID, dtype=np.int32)
        idx = np.flatnonzero(valid)
        out[idx] = self._lookup_valid(x[idx], y[idx])
        return out

    def _lookup_valid(self, x: F64, y: F64) -> I32:
        a = self.a
        # x >= origin_x and y >= origin_y for valid points, so truncation is floor here
        gx = ((x - a.origin_x) * self._inv).astype(np.int32)
        gy = ((y - a.origin_y) * self._inv).astype(np.int32)
        np.minimum(gx, self._nx - 1, out=gx)  # lon = 180 / lat = 90 sit on the last cell's edge
        np.minimum(gy, self._ny - 1, out=gy)
        out: I32 = np.take(self._coarse_flat, gy * np.int32(self._nx) + gx)
        blk = np.flatnonzero(out <= -2)
        if len(blk) == 0:
            return out
        sub = self._sub
        bx, by = x[blk], y[blk]
        fx = ((bx - a.origin_x) * self._fine_inv).astype(np.int32) - gx[blk] * np.int32(sub)
        fy = ((by - a.origin_y) * self._fine_inv).astype(np.int32) - gy[blk] * np.int32(sub)
        np.clip(fx, 0, sub - 1, out=fx)
        np.clip(fy, 0, sub - 1, out=fy)
        block = (-2 - out[blk]).astype(np.int64)
        fv = np.take(a.fine, block * (sub * sub) + fy * sub + fx)
        out[blk] = fv
        mix = np.flatnonzero(fv <= -2)
        if len(mix):
            pts = blk[mix]
            out[pts] = self._mixed(x[pts], y[pts], -2 - fv[mix].astype(np.int64))
        return out

    def _mixed(self, px: F64, py: F64, cell: npt.NDArray[np.int64]) -> I32:
        a = self.a
        n = len(px)
        e0, e1 = a.cell_edge_start[cell], a.cell_edge_start[cell + 1]
        ne = e1 - e0
        owner = np.repeat(np.arange(n), ne)
        pair = np.arange(int(ne.sum())) - np.repeat(np.cumsum(ne) - ne, ne) + np.repeat(e0, ne)
        e = a.pair_edge[pair]
        ax, ay, bx, by = a.edges[e, 0], a.edges[e, 1], a.edges[e, 2], a.edges[e, 3]
        qx, qy = px[owner], py[owner]
        cx, cy = a.cell_cx[cell][owner], a.cell_cy[cell][owner]
        s_p, amb_p = orient(ax, ay, bx, by, qx, qy)
        s_a, amb_a = orient(cx, cy, qx, qy, ax, ay)
        s_b, amb_b = orient(cx, cy, qx, qy, bx, by)
        crosses = (s_p != a.pair_csign[pair]) & (s_a != s_b)
        ambiguous = np.zeros(n, dtype=bool)
        ambiguous[owner[amb_p | amb_a | amb_b]] = True

        c0, c1 = a.cell_cand_start[cell], a.cell_cand_start[cell + 1]
        nc = c1 - c0
        slot_base = np.cumsum(nc) - nc
        flips = np.bincount(
            slot_base[owner] + a.pair_slot[pair], weights=crosses, minlength=int(nc.sum())
        )
        cand = np.arange(int(nc.sum())) - np.repeat(slot_base, nc) + np.repeat(c0, nc)
        covered = a.cand_inside[cand] ^ (flips.astype(np.int64) & 1).astype(bool)
        big = np.int32(np.iinfo(np.int32).max)
        best = np.minimum.reduceat(np.where(covered, a.cand_poly[cand], big), slot_base)
        result = np.where(best == big, NO_POLYGON, best).astype(np.int32)
        amb = np.flatnonzero(ambiguous)
        if len(amb):
            result[amb] = self._exact(px[amb], py[amb])
        return result

    # -- one point ------------------------------------------------------------------------------
    def lookup_one(self, *, lat: float, lon: float) -> int:
        """Polygon index of one point, or NO_POLYGON. Raises InvalidCoordinates for bad input."""
        check_coordinates(lat, lon)
        a = self.a
        gx = min(max(math.floor((lon - a.origin_x) * self._inv), 0), self._nx - 1)
        gy = min(max(math.floor((lat - a.origin_y) * self._inv), 0), self._ny - 1)
        v = int(a.coarse[gy, gx])
        if v >= -1:
            return v
        sub = self._sub
        fx = min(max(math.floor((lon - a.origin_x) * self._fine_inv) - gx * sub, 0), sub - 1)
        fy = min(max(math.floor((lat - a.origin_y) * self._fine_inv) - gy * sub, 0), sub - 1)
        fv = int(a.fine[(-2 - v) * sub * sub + fy * sub + fx])
        if fv >= -1:
            return fv
        cell = -2 - fv
        cx, cy = float(a.cell_cx[cell]), float(a.cell_cy[cell])
        c0, c1 = int(a.cell_cand_start[cell]), int(a.cell_cand_start[cell + 1])
        inside = [bool(b) for b in a.cand_inside[c0:c1]]
        edges = a.edges
        for k in range(int(a.cell_edge_start[cell]), int(a.cell_edge_start[cell + 1])):
            ax, ay, bx, by = edges[a.pair_edge[k]].tolist()
            s_p = orient_one(ax, ay, bx, by, lon, lat)
            s_a = orient_one(cx, cy, lon, lat, ax, ay)
            s_b = orient_one(cx, cy, lon, lat, bx, by)
            if s_p == 0 or s_a == 0 or s_b == 0:
                return int(self._exact(np.array([lon]), np.array([lat]))[0])
            if s_p != a.pair_csign[k] and s_a != s_b:
                slot = int(a.pair_slot[k])
                inside[slot] = not inside[slot]
        for slot, hit in enumerate(inside):
            if hit:
                return int(a.cand_poly[c0 + slot])
        return NO_POLYGON
