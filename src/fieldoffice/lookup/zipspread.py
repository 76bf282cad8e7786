"""Which ZIP codes may reach into another office's territory, estimated from the data we have.

The packaged ZIP table gives each ZIP one county and one point, not its area. The Census 2010
ZCTA-to-county relationship (data/zip_counties.csv.gz, see keys.crossing_zips) says which counties
most ZIPs reached in 2010; for the rest (PO boxes, ZIPs since) and areas that grew, a ZIP's reach
is also estimated from how far apart ZIP points are around it: a ZIP extends about as far as the way to its nearest neighbour's
point (0.75 of it, at most 25 km), and at least as far as the boundaries' tolerance: its point is
placed on the same 1:10,000,000 lines as any point, so within that of another territory either
side may hold it, as a point there is near_boundary (Harpers Ferry's ZIP 25425, 2.9 km from
Loudoun County). A ZIP whose reach touches a county claimed by
other offices than its own may cross the line: its answer names both sides (near_boundary), and
never says `matched` with high confidence. It is an estimate; tests check it on ZIP codes known
to cross state lines.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

from fieldoffice.directory.context import Context

EARTH_KM = 6371.0088
KM_PER_DEG = math.pi * EARTH_KM / 180
REACH = 0.75  # of the distance to the nearest other ZIP point
MAX_KM = 25.0  # the least is the boundaries' tolerance (gazetteer.tolerance_km)

Arrays = dict[str, npt.NDArray[np.generic]]


def build_zip_spread(ctx: Context, county_group: npt.NDArray[np.int32]) -> Arrays:
    """Per 5-digit number: the nearest county of another group within the ZIP's reach (-1 if
    none), how far (km), and the reach itself."""
    import shapely

    gaz = ctx.gazetteer
    index = {c.fips: k for k, c in enumerate(gaz.counties)}
    zs = [z for z in gaz.zips.values() if z.lat is not None and z.lon is not None and z.county_fips]
    number = np.array([int(z.zip) for z in zs], dtype=np.int64)
    lat = np.array([z.lat for z in zs], dtype=np.float64)
    lon = np.array([z.lon for z in zs], dtype=np.float64)
    county = np.array([index[z.county_fips or ""] for z in zs], dtype=np.int64)
    pts = shapely.points(lon, lat)
    # spacing: the nearest other ZIP point (several ZIPs at one point count as one point)
    where, at = np.unique(np.column_stack([lon, lat]), axis=0, return_inverse=True)
    spots = shapely.points(where[:, 0], where[:, 1])
    (i, j) = shapely.STRtree(spots).query_nearest(spots, exclusive=True, all_matches=False)
    nn = np.full(len(spots), MAX_KM / REACH)
    nn[i] = _km(where[i, 1], where[i, 0], where[j, 1], where[j, 0])
    reach = np.clip(REACH * nn[at.ravel()], gaz.tolerance_km, MAX_KM)
    # counties of another group within reach (queried generously in degrees, kept by km)
    polys = gaz.polygons
    deg = reach / KM_PER_DEG / np.maximum(np.cos(np.radians(lat)), 0.05)
    pi, pj = shapely.STRtree(polys).query(pts, predicate="dwithin", distance=deg)
    other = county_group[pj] != county_group[county[pi]]
    pi, pj = pi[other], pj[other]
    line = shapely.shortest_line(pts[pi], polys[pj])
    ends = shapely.get_coordinates(line).reshape(-1, 2, 2)
    km = _km(ends[:, 0, 1], ends[:, 0, 0], ends[:, 1, 1], ends[:, 1, 0])
    inside = km <= reach[pi]
    pi, pj, km = pi[inside], pj[inside], km[inside]
    order = np.lexsort((pj, km, pi))  # per ZIP, the nearest other county first
    pi, pj, km = pi[order], pj[order], km[order]
    first = np.ones(len(pi), dtype=bool)
    first[1:] = pi[1:] != pi[:-1]
    other_county = np.full(100_000, -1, dtype=np.int32)
    other_km = np.full(100_000, np.inf, dtype=np.float64)
    reach_km = np.zeros(100_000, dtype=np.float64)
    reach_km[number] = reach
    other_county[number[pi[first]]] = pj[first]
    other_km[number[pi[first]]] = km[first]
    return {"other_county": other_county, "other_km": other_km, "reach_km": reach_km}


def _km(
    lat1: npt.NDArray[np.float64],
    lon1: npt.NDArray[np.float64],
    lat2: npt.NDArray[np.float64],
    lon2: npt.NDArray[np.float64],
) -> npt.NDArray[np.float64]:
    p1, p2 = np.radians(lat1), np.radians(lat2)
    h = (
        np.sin((p2 - p1) / 2) ** 2
        + np.cos(p1) * np.cos(p2) * np.sin(np.radians(lon2 - lon1) / 2) ** 2
    )
    km: npt.NDArray[np.float64] = 2 * EARTH_KM * np.arcsin(np.minimum(1.0, np.sqrt(h)))
    return km
