"""NearIndex ("is another territory within the tolerance?") against an independent brute force.

The reference here re-derives everything from the definition: its own choice of kept edges, its
own point-segment distance in the local equirectangular frame (scaled by WGS84's radii of curvature
at the point), and a plain scan of every kept edge (pruned only by latitude, which is safe: the y
part of a distance never exceeds the distance, and a degree of latitude is never under M(0) km).
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
import shapely
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from shapely.ops import polylabel

from fieldoffice.directory.context import Context
from fieldoffice.geo import near as near_mod
from fieldoffice.geo import near_build
from fieldoffice.geo.index import PointIndex
from fieldoffice.geo.index_build import polygon_edges
from fieldoffice.geo.near import CHECK, NO, YES, NearIndex
from fieldoffice.geo.near_build import build_near_index
from tests.geo.near_oracles import fast_path

A, E2 = 6378.137, 0.00669437999014  # WGS84's semi-major axis (km) and e^2, as the definition says
KM_LAT_MIN = A * (1 - E2) * math.pi / 180  # the least km per degree of latitude: the equator's
TOL = 5.08


def scales(lat: float | np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """km per degree of longitude and of latitude at `lat`: N cos(lat) and M, in km per radian."""
    phi = np.deg2rad(np.asarray(lat, dtype=np.float64))
    w = 1.0 - E2 * np.sin(phi) ** 2
    prime_vertical = A / np.sqrt(w)
    meridian = A * (1.0 - E2) / w**1.5
    return prime_vertical * np.cos(phi) * math.pi / 180, meridian * math.pi / 180


def north_of(lat: float, km: float) -> float:
    """The latitude `km` north of `lat` (south if negative) in the frame at that latitude."""
    out = lat
    for _ in range(4):
        out = lat + km / float(scales(out)[1])
    return out


# -- the reference ------------------------------------------------------------------------------


def reference_kept(edges: np.ndarray, owner: np.ndarray, group: np.ndarray) -> np.ndarray:
    """Keep an edge unless the same segment (either way round) bounds another county of its group."""
    by_segment: dict[tuple[tuple[float, float], tuple[float, float]], list[int]] = {}
    for i, (ax, ay, bx, by) in enumerate(edges.tolist()):
        a, b = (ax, ay), (bx, by)
        by_segment.setdefault((min(a, b), max(a, b)), []).append(i)
    keep = np.ones(len(edges), dtype=bool)
    for ids in by_segment.values():
        if len(ids) > 1:
            per_group = Counter(int(group[owner[i]]) for i in ids)
            for i in ids:
                keep[i] = per_group[int(group[owner[i]])] == 1
    return keep & ((edges[:, 0] != edges[:, 2]) | (edges[:, 1] != edges[:, 3]))


def reference_km(px: np.ndarray, py: np.ndarray, seg: np.ndarray) -> np.ndarray:
    """Distances, points down, segments across: project p onto each segment in p's frame."""
    px, py = px[:, None], py[:, None]
    sx, sy = scales(py)
    x1, y1 = (seg[None, :, 0] - px) * sx, (seg[None, :, 1] - py) * sy
    x2, y2 = (seg[None, :, 2] - px) * sx, (seg[None, :, 3] - py) * sy
    vx, vy = x2 - x1, y2 - y1
    s = np.clip(-(x1 * vx + y1 * vy) / (vx * vx + vy * vy), 0.0, 1.0)
    return np.hypot(x1 + s * vx, y1 + s * vy)


@dataclass
class Pairs:
    """Every (point, kept edge) within `reach` km: enough to answer every question up to reach."""

    point: np.ndarray
    edge: np.ndarray
    km: np.ndarray


def reference_pairs(
    x: np.ndarray, y: np.ndarray, seg: np.ndarray, reach: float, block: int = 512
) -> Pairs:
    order = np.argsort(y)
    lo_y = np.minimum(seg[:, 1], seg[:, 3])
    hi_y = np.maximum(seg[:, 1], seg[:, 3])
    band = reach / KM_LAT_MIN + 1e-9
    pts, eds, kms = [], [], []
    for s in range(0, len(x), block):
        idx = order[s : s + block]
        cand = np.flatnonzero((hi_y >= y[idx].min() - band) & (lo_y <= y[idx].max() + band))
        if not len(cand):
            continue
        d = reference_km(x[idx], y[idx], seg[cand])
        i, j = np.nonzero(d <= reach)
        pts.append(idx[i])
        eds.append(cand[j])
        kms.append(d[i, j])
    if not pts:
        return Pairs(np.zeros(0, int), np.zeros(0, int), np.zeros(0))
    return Pairs(np.concatenate(pts), np.concatenate(eds), np.concatenate(kms))


def reference_near(pairs: Pairs, n: int, edge_group: np.ndarray, point_group: np.ndarray):
    hit = (pairs.km <= TOL) & (edge_group[pairs.edge] != point_group[pairs.point])
    out = np.zeros(n, dtype=bool)
    out[pairs.point[hit]] = True
    return out


def reference_nearest(pairs: Pairs, n: int, edge_county: np.ndarray):
    """Least km within TOL per point (inf if none), and every county that far (ties, to 1e-9)."""
    best = np.full(n, np.inf)
    ok = pairs.km <= TOL
    np.minimum.at(best, pairs.point[ok], pairs.km[ok])
    tied: list[set[int]] = [set() for _ in range(n)]
    close = ok & (pairs.km <= best[pairs.point] + 1e-9)
    for p, c in zip(pairs.point[close], edge_county[pairs.edge[close]], strict=True):
        tied[p].add(int(c))
    return best, tied


# -- the shipped counties -----------------------------------------------------------------------


@dataclass
class Shipped:
    near: NearIndex
    index: PointIndex
    edges: np.ndarray  # kept, per the reference
    edge_county: np.ndarray
    edge_group: np.ndarray
    group: np.ndarray  # per county


def directory_groups(ctx: Context) -> np.ndarray:
    ids: dict[frozenset[str], int] = {}
    return np.array(
        [
            ids.setdefault(ctx.territories.offices_of(c.fips), len(ids))
            for c in ctx.gazetteer.counties
        ],
        dtype=np.int32,
    )


def state_groups(ctx: Context) -> np.ndarray:
    return np.array([int(c.fips[:2]) for c in ctx.gazetteer.counties], dtype=np.int32)


def make_shipped(ctx: Context, group: np.ndarray) -> Shipped:
    edges, owner = polygon_edges(ctx.gazetteer.polygons)
    keep = reference_kept(edges, owner, group)
    near = build_near_index(edges, owner, group, ctx.gazetteer.tolerance_km)
    return Shipped(near, ctx.gazetteer.index, edges[keep], owner[keep], group[owner[keep]], group)


@pytest.fixture(scope="module")
def shipped(ctx: Context) -> Shipped:
    return make_shipped(ctx, directory_groups(ctx))


@pytest.fixture(scope="module")
def shipped_random(ctx: Context) -> Shipped:
    """Counties of ten states scattered at random over six groups (lines round most of them,
    cells with three or more groups), the rest by state."""
    rng = np.random.default_rng(2026)
    scattered = {"CO", "UT", "AZ", "NM", "NY", "NJ", "PA", "CT", "MA", "RI"}
    group = np.array(
        [rng.integers(0, 6) if c.state in scattered else 100 + int(c.fips[:2])
         for c in ctx.gazetteer.counties],
        dtype=np.int32,
    )  # fmt: skip
    return make_shipped(ctx, group)


def along_normals(
    seg: np.ndarray, km: np.ndarray, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """A point `km` from each segment's middle along its normal (either side), in the local frame."""
    t = 0.5
    mx = seg[:, 0] + t * (seg[:, 2] - seg[:, 0])
    my = seg[:, 1] + t * (seg[:, 3] - seg[:, 1])
    kx, ky = scales(my)
    dx, dy = (seg[:, 2] - seg[:, 0]) * kx, (seg[:, 3] - seg[:, 1]) * ky
    norm = np.hypot(dx, dy)
    side = rng.choice([-1.0, 1.0], len(seg))
    return mx - side * dy / norm * km / kx, my + side * dx / norm * km / ky


def sample(s: Shipped, n_random: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """n_random points (3/5 uniform over the states, 2/5 within 8 km of kept edges), then one
    on every kept edge, every edge's first vertex, and 6000 each at 0.99, 1.01, 0.9 and 1.1
    times the tolerance from an edge along its normal."""
    seg = s.edges
    n_uniform = n_random * 3 // 5
    boxes = [  # lower 48, Alaska, Hawaii, Puerto Rico: (x0, x1, y0, y1, share)
        (-125.0, -66.9, 24.4, 49.4, 0.8),
        (-170.0, -130.0, 54.0, 71.5, 0.1),
        (-160.5, -154.5, 18.8, 22.3, 0.05),
        (-67.5, -65.2, 17.8, 18.6, 0.05),
    ]
    xs, ys = [], []
    for x0, x1, y0, y1, share in boxes:
        k = int(n_uniform * share)
        xs.append(rng.uniform(x0, x1, k))
        ys.append(rng.uniform(y0, y1, k))
    # near the kept edges: within 8 km of a random edge, any direction
    k = n_random - sum(len(v) for v in xs)
    e = seg[rng.integers(0, len(seg), k)]
    t = rng.uniform(0, 1, k)
    r, th = rng.uniform(0, 8, k), rng.uniform(0, 2 * np.pi, k)
    by = e[:, 1] + t * (e[:, 3] - e[:, 1])
    kx, ky = scales(by)
    xs.append(e[:, 0] + t * (e[:, 2] - e[:, 0]) + r * np.cos(th) / kx)
    ys.append(by + r * np.sin(th) / ky)
    # on edges, on vertices
    t = rng.uniform(0, 1, len(seg))
    xs += [seg[:, 0] + t * (seg[:, 2] - seg[:, 0]), seg[:, 0]]
    ys += [seg[:, 1] + t * (seg[:, 3] - seg[:, 1]), seg[:, 1]]
    # just inside and outside the tolerance, and well inside and outside it
    pick = seg[rng.integers(0, len(seg), 6000)]
    for f in (0.99, 1.01, 0.9, 1.1):
        px, py = along_normals(pick, np.full(len(pick), TOL * f), rng)
        xs.append(px)
        ys.append(py)
    return np.concatenate(xs), np.concatenate(ys)


def undirected(seg: np.ndarray) -> list[tuple[tuple[float, float], ...]]:
    return sorted(tuple(sorted([(ax, ay), (bx, by)])) for ax, ay, bx, by in seg.tolist())


def check_everything(s: Shipped, x: np.ndarray, y: np.ndarray, rng: np.random.Generator) -> None:
    near = s.near
    # the index keeps exactly the edges the reference keeps
    kept, kept_county, kept_group = near.edges
    assert undirected(kept) == undirected(s.edges)
    assert Counter(zip(kept_county.tolist(), kept_group.tolist(), strict=True)) == Counter(
        zip(s.edge_county.tolist(), s.edge_group.tolist(), strict=True)
    )

    pairs = reference_pairs(x, y, s.edges, reach=TOL * 1.2)
    n = len(x)
    county = s.index.lookup(lat=y, lon=x)
    inside = np.flatnonzero(county >= 0)

    # near_other, for points inside a county
    expected = reference_near(pairs, n, s.edge_group, s.group[np.maximum(county, 0)])
    got = near.near_other(x[inside], y[inside], county[inside])
    np.testing.assert_array_equal(got, expected[inside])
    # ... and the sample really exercises every path of the grid, both answers of the kernel
    path = fast_path(near, x[inside], y[inside], county[inside])
    counts = {p: int((path == p).sum()) for p in (NO, YES, CHECK)}
    assert min(counts.values()) > 1000, counts
    assert 0.1 < got[path == CHECK].mean() < 0.9

    # nearest, for every point (meant for points outside, exact for all)
    best, tied = reference_nearest(pairs, n, s.edge_county)
    who, km = near.nearest(x, y)
    np.testing.assert_array_equal(np.isfinite(km), np.isfinite(best))
    has = np.flatnonzero(np.isfinite(best))
    np.testing.assert_allclose(km[has], best[has], rtol=0, atol=1e-9)
    assert all(int(who[i]) in tied[i] for i in has)
    assert (who[~np.isfinite(best)] == -1).all()
    outside = np.flatnonzero(county < 0)
    assert np.isfinite(km[outside]).sum() > 1000  # offshore points near a coast

    # other_groups_within, with the nearest county's group and with arbitrary ones
    groups = np.unique(s.group)
    g = np.where(who >= 0, s.group[np.maximum(who, 0)], rng.choice(groups, n))
    g[::7] = rng.choice(groups, len(g[::7]))
    g[::101] = groups.max() + 1  # a group with no county: every county is another group's
    np.testing.assert_array_equal(
        near.other_groups_within(x, y, g), reference_near(pairs, n, s.edge_group, g)
    )

    # within, one point at a time, on points that have something within reach
    by_point = np.argsort(pairs.point, kind="stable")
    starts = np.searchsorted(pairs.point[by_point], np.arange(n + 1))
    some = rng.choice(np.unique(pairs.point), 1500, replace=False)
    for i in some.tolist():
        mine = by_point[starts[i] : starts[i + 1]]
        mine = mine[pairs.km[mine] <= TOL]
        per_county: dict[int, float] = {}
        for c, d in zip(
            s.edge_county[pairs.edge[mine]].tolist(), pairs.km[mine].tolist(), strict=True
        ):
            per_county[c] = min(d, per_county.get(c, math.inf))
        got_w = near.within(float(x[i]), float(y[i]))
        assert {c for c, _ in got_w} == set(per_county), i
        for c, d in got_w:
            assert d == pytest.approx(per_county[c], abs=1e-9)
        assert [d for _, d in got_w] == sorted(d for _, d in got_w)


def test_agrees_with_brute_force_on_directory_groups(shipped: Shipped) -> None:
    rng = np.random.default_rng(17)
    x, y = sample(shipped, 200_000, rng)
    check_everything(shipped, x, y, rng)


def test_agrees_with_brute_force_on_scattered_groups(shipped_random: Shipped) -> None:
    rng = np.random.default_rng(23)
    x, y = sample(shipped_random, 60_000, rng)
    check_everything(shipped_random, x, y, rng)


def test_reference_prune_loses_nothing(shipped: Shipped) -> None:
    """The latitude-banded reference equals a scan of every kept edge for every point."""
    rng = np.random.default_rng(5)
    x, y = sample(shipped, 3000, rng)
    pick = rng.choice(len(x), 1500, replace=False)
    x, y = x[pick], y[pick]
    full = reference_km(x, y, shipped.edges)
    i, j = np.nonzero(full <= TOL * 1.2)
    banded = reference_pairs(x, y, shipped.edges, reach=TOL * 1.2)
    assert len(i) > 500
    assert sorted(zip(i.tolist(), j.tolist(), strict=True)) == sorted(
        zip(banded.point.tolist(), banded.edge.tolist(), strict=True)
    )


@pytest.mark.parametrize("size", [0.25 / 64, 0.25 / 16, 0.25, 1.0])
@pytest.mark.parametrize("lat0", [-0.5, 17.9, 40.0, 61.3, 71.0])
def test_cell_bounds_hold_for_every_point_of_the_cell(size: float, lat0: float) -> None:
    """The build's per-row thresholds, with no margin: an edge past `reach` from a cell's centre
    is beyond tol of every point of the padded cell, one within `full` is within tol of all of it
    (the frames of those points differ from the centre's in both scales)."""
    rng = np.random.default_rng([int(lat0 * 100 + 100), int(1 / size)])
    y_c, kx_c, ky_c, reach, full = near_build._row_bounds(lat0, size, 3, TOL, TOL)
    kx, ky = scales(y_c)
    np.testing.assert_allclose(kx_c, kx, rtol=1e-14)
    np.testing.assert_allclose(ky_c, ky, rtol=1e-14)
    pad = near_build._PAD_DEG
    n_far = n_full = 0
    for j in range(3):
        cx, cy = -120.0 + size / 2, float(y_c[j])
        # edges from around the cell, out to the tolerance and a cell or two beyond
        span_x, span_y = TOL / float(kx[j]) + 2 * size, TOL / float(ky[j]) + 2 * size
        a = np.column_stack([cx + rng.uniform(-span_x, span_x, 4000),
                             cy + rng.uniform(-span_y, span_y, 4000)])  # fmt: skip
        b = a + rng.normal(0, size + 0.01, (4000, 2))
        seg = np.column_stack([a, b])
        d_c = reference_km(np.array([cx]), np.array([cy]), seg)[0]
        u = np.concatenate([np.linspace(-1, 1, 9).repeat(9), rng.uniform(-1, 1, 200)])
        v = np.concatenate([np.tile(np.linspace(-1, 1, 9), 9), rng.uniform(-1, 1, 200)])
        half = size / 2 + pad
        d_p = reference_km(cx + u * half, cy + v * half, seg)
        far = d_c**2 > reach[j]
        sure = d_c**2 <= full[j]
        assert (d_p[:, far] > TOL).all()
        assert (d_p[:, sure] <= TOL).all()
        n_far += int(far.sum())
        n_full += int(sure.sum())
    assert n_far > 100
    if size < 0.1:  # else the half cell alone is more than the tolerance
        assert n_full > 100


def test_points_on_fine_cell_lines(shipped: Shipped) -> None:
    """Cell boundaries are where rounding could put a point in a neighbouring cell."""
    near = shipped.near
    rng = np.random.default_rng(9)
    step = near.coarse_deg / near.sub / near.refine
    x, y = sample(shipped, 40_000, rng)
    x = np.round(x / step) * step
    y[::2] = np.round(y[::2] / step) * step
    county = shipped.index.lookup(lat=y, lon=x)
    inside = county >= 0
    pairs = reference_pairs(x, y, shipped.edges, reach=TOL)
    expected = reference_near(
        pairs, len(x), shipped.edge_group, shipped.group[np.maximum(county, 0)]
    )
    got = near.near_other(x[inside], y[inside], county[inside])
    np.testing.assert_array_equal(got, expected[inside])


def test_length_one_calls_answer_like_the_batch(shipped: Shipped) -> None:
    """A single point takes a shortcut to its cell; it must land where the batch puts it."""
    near = shipped.near
    rng = np.random.default_rng(4)
    x, y = sample(shipped, 3000, rng)
    pick = rng.choice(len(x), 600, replace=False)
    x, y = x[pick], y[pick]
    step = near.coarse_deg / near.sub / near.refine
    x = np.concatenate([x, np.round(x[:300] / step) * step, [0.0, 1e9, -1e9, np.nan, -179.99]])
    y = np.concatenate([y, np.round(y[:300] / step) * step, [0.0, 40.0, 40.0, 40.0, 51.9]])
    county = shipped.index.lookup(lat=y, lon=x, on_invalid="mark")
    inside = np.flatnonzero(county >= 0)
    batch = near.near_other(x[inside], y[inside], county[inside])
    one = [bool(near.near_other(x[[i]], y[[i]], county[[i]])[0]) for i in inside]
    assert one == batch.tolist()
    assert 0 < batch.mean() < 1
    with np.errstate(invalid="ignore"):  # NaN and 1e9 do not fit the grid's integers
        who, km = near.nearest(x, y)
        g = shipped.group[np.maximum(who, 0)]
        other = near.other_groups_within(x, y, g)
    for i in range(len(x)):
        w1, k1 = near.nearest(x[[i]], y[[i]])
        assert (int(w1[0]), float(k1[0])) == (int(who[i]), float(km[i]))
        assert bool(near.other_groups_within(x[[i]], y[[i]], g[[i]])[0]) == other[i]
        listed = near.within(float(x[i]), float(y[i]))
        assert (listed[0][0] if listed else -1) == who[i]


def test_one_points_scales_are_the_batchs_to_the_bit() -> None:
    """A single point's frame is worked out in floats, a batch's in numpy: the same numbers."""
    lat = np.concatenate([np.random.default_rng(3).uniform(-90, 90, 20_000), [0.0, 90.0, -90.0]])
    kx, ky = near_mod.km_per_degree(lat)
    one = [near_mod._km_per_degree_of_cos(float(c)) for c in np.cos(np.radians(lat))]
    assert [(float(a), float(b)) for a, b in zip(kx, ky, strict=True)] == one
    ref_x, ref_y = scales(lat)
    np.testing.assert_allclose(kx, ref_x, rtol=1e-13, atol=1e-13)
    np.testing.assert_allclose(ky, ref_y, rtol=1e-13)


def test_cached_arrays_answer_the_same(shipped: Shipped, tmp_path: Path) -> None:
    near = shipped.near
    arrays = near.to_arrays()
    assert all(isinstance(v, np.ndarray) for v in arrays.values())
    for name, a in arrays.items():
        np.save(tmp_path / f"{name}.npy", a)
    loaded = NearIndex.from_arrays(
        {name: np.load(tmp_path / f"{name}.npy", mmap_mode="r") for name in arrays}
    )
    rng = np.random.default_rng(8)
    x, y = sample(shipped, 20_000, rng)
    county = shipped.index.lookup(lat=y, lon=x)
    inside = county >= 0
    np.testing.assert_array_equal(
        loaded.near_other(x[inside], y[inside], county[inside]),
        near.near_other(x[inside], y[inside], county[inside]),
    )
    for a, b in zip(loaded.nearest(x, y), near.nearest(x, y), strict=True):
        np.testing.assert_array_equal(a, b)
    assert loaded.within(float(x[-1]), float(y[-1])) == near.within(float(x[-1]), float(y[-1]))
    stale = dict(arrays, format_version=np.array(0))
    with pytest.raises(ValueError, match="format"):
        NearIndex.from_arrays(stale)


def test_points_off_the_grid_are_near_nothing(shipped: Shipped) -> None:
    near = shipped.near
    x = np.array([0.0, 180.0, -180.0, 1e9, -1e9, np.nan, -120.0, 10.0])
    y = np.array([0.0, 90.0, -90.0, 40.0, 40.0, 40.0, np.nan, -1e9])
    with np.errstate(invalid="ignore"):
        who, km = near.nearest(x, y)
        assert (who == -1).all() and np.isinf(km).all()
        assert not near.near_other(x, y, np.zeros(len(x), dtype=np.int32)).any()
        assert not near.other_groups_within(x, y, np.full(len(x), -7)).any()
    assert near.within(0.0, 0.0) == []


# -- real places ------------------------------------------------------------------------------


def test_one_km_into_nevada_from_california_is_near_when_the_states_differ(ctx: Context) -> None:
    gaz = ctx.gazetteer
    fips = [c.fips for c in gaz.counties]
    washoe, lassen = fips.index("32031"), fips.index("06035")
    edges, owner = polygon_edges(gaz.polygons)
    # the Lassen / Washoe line (lon -119.995775) where it crosses latitude 40.5
    seg = edges[(owner == washoe) & (edges[:, 0] == edges[:, 2]) & (abs(edges[:, 0] + 120) < 0.1)]
    seg = seg[(np.minimum(seg[:, 1], seg[:, 3]) < 40.5) & (np.maximum(seg[:, 1], seg[:, 3]) > 40.5)]
    assert len(seg) == 1
    line_lon = float(seg[0, 0])
    lat = 40.5
    lon = line_lon + 1.0 / float(scales(lat)[0])  # 1 km east, in the local frame
    assert gaz.index.lookup(lat=[lat], lon=[lon]).tolist() == [washoe]

    by_state = build_near_index(edges, owner, state_groups(ctx), gaz.tolerance_km)
    assert by_state.near_other([lon], [lat], [washoe]).tolist() == [True]
    nearby = by_state.within(lon, lat)
    in_california = [(c, km) for c, km in nearby if gaz.counties[c].state == "CA"]
    assert in_california[0][0] == lassen
    assert in_california[0][1] == pytest.approx(1.0, abs=1e-9)

    # one office for both sides (as the shipped directory has it): not near
    one = build_near_index(edges, owner, np.zeros(len(fips), dtype=np.int32), gaz.tolerance_km)
    assert one.near_other([lon], [lat], [washoe]).tolist() == [False]
    # 6 km in: beyond the tolerance of the state line, whatever the groups
    lon6 = line_lon + 6.0 / float(scales(lat)[0])
    assert by_state.near_other([lon6], [lat], [washoe]).tolist() == [False]


def test_middle_of_a_big_county_is_near_nothing(ctx: Context) -> None:
    gaz = ctx.gazetteer
    nye = [c.fips for c in gaz.counties].index("32023")
    poly = gaz.polygons[nye]
    p = polylabel(poly, 0.001)
    assert poly.boundary.distance(p) > 0.5  # degrees: tens of km from every line
    edges, owner = polygon_edges(gaz.polygons)
    every_county = np.arange(len(gaz.counties), dtype=np.int32)  # every line is a group line
    near = build_near_index(edges, owner, every_county, gaz.tolerance_km)
    assert near.near_other([p.x], [p.y], [nye]).tolist() == [False]
    assert fast_path(near, [p.x], [p.y], [nye]).tolist() == [NO]
    assert near.within(p.x, p.y) == []


# -- toy squares: distances by hand -------------------------------------------------------------


def grid_of_squares(
    groups: list[int], size: float = 0.1, x0: float = -100.0, y0: float = 39.9, cols: int = 3
) -> tuple[list[shapely.Polygon], NearIndex]:
    polys = [
        shapely.box(x0 + (k % cols) * size, y0 + (k // cols) * size,
                    x0 + (k % cols + 1) * size, y0 + (k // cols + 1) * size)
        for k in range(len(groups))
    ]  # fmt: skip
    edges, owner = polygon_edges(polys)
    return polys, build_near_index(edges, owner, np.array(groups, dtype=np.int32), TOL)


def rect_km(px: float, py: float, box: shapely.Polygon) -> float:
    """Point to an axis-aligned rectangle in the point's frame: clamp, scale, hypot."""
    x0, y0, x1, y1 = box.bounds
    kx, ky = scales(py)
    dx = max(x0 - px, 0.0, px - x1) * float(kx)
    dy = max(y0 - py, 0.0, py - y1) * float(ky)
    return math.hypot(dx, dy)


@pytest.mark.parametrize(("km", "near"), [(4.9, True), (5.3, False), (0.01, True), (5.07, True)])
def test_distance_from_a_line_at_latitude_40(km: float, near: bool) -> None:
    # two squares stacked on the line lat = 40, in different groups
    _, index = grid_of_squares([0, 1], cols=1)
    lat = north_of(40.0, km)  # straight north of the line: the y part is the whole distance
    assert index.near_other([-99.95], [lat], [1]).tolist() == [near]
    assert index.near_other([-99.95], [north_of(40.0, -km)], [0]).tolist() == [near]
    assert dict(index.within(-99.95, lat)).get(0, math.inf) == pytest.approx(
        km if near else math.inf, abs=1e-9
    )


@pytest.mark.parametrize(("km", "near"), [(4.9, True), (5.3, False)])
def test_distance_from_a_meridian_is_scaled_by_the_points_latitude(km: float, near: bool) -> None:
    _, index = grid_of_squares([0, 1], cols=2)  # side by side on lon -99.9
    lat = 39.95
    lon = -99.9 + km / float(scales(lat)[0])
    assert index.near_other([lon], [lat], [1]).tolist() == [near]


@settings(max_examples=150, deadline=None)
@given(
    groups=st.lists(st.integers(0, 2), min_size=9, max_size=9),
    fx=st.floats(-0.9, 3.9),
    fy=st.floats(-0.9, 3.9),
)
def test_squares_by_hand(groups: list[int], fx: float, fy: float) -> None:
    polys, index = grid_of_squares(groups)
    px, py = -100.0 + fx * 0.1, 39.9 + fy * 0.1
    kms = [rect_km(px, py, b) for b in polys]
    assume(all(abs(d - TOL) > 1e-6 for d in kms))
    home = [k for k, b in enumerate(polys) if b.contains(shapely.Point(px, py))]
    if home:
        (k,) = home
        assume(polys[k].exterior.distance(shapely.Point(px, py)) > 1e-9)
        expected = any(d <= TOL for j, d in enumerate(kms) if groups[j] != groups[k])
        assert index.near_other([px], [py], [k]).tolist() == [expected]
        return
    assume(all(b.exterior.distance(shapely.Point(px, py)) > 1e-9 for b in polys))
    # outside every square: the nearest one, and whether another group than its own is in reach
    who, km = index.nearest([px], [py])
    best = min(kms)
    if best > TOL:
        assert (int(who[0]), float(km[0])) == (-1, math.inf)
        return
    assert float(km[0]) == pytest.approx(best, abs=1e-9)
    assert kms[int(who[0])] == pytest.approx(best, abs=1e-9)
    g = groups[int(who[0])]
    expected = any(d <= TOL for j, d in enumerate(kms) if groups[j] != g)
    assert index.other_groups_within([px], [py], [g]).tolist() == [expected]


@pytest.mark.parametrize("swap", [False, True])
def test_equally_near_counties_go_to_the_lowest_index(swap: bool) -> None:
    # two squares meeting at (-99.9, 39.9); a point straight below that corner
    boxes = [shapely.box(-100.0, 39.9, -99.9, 40.0), shapely.box(-99.9, 39.9, -99.8, 40.0)]
    if swap:
        boxes.reverse()
    edges, owner = polygon_edges(boxes)
    index = build_near_index(edges, owner, np.array([0, 1], dtype=np.int32), TOL)
    ys = np.array([north_of(39.9, -d) for d in np.linspace(0.1, 4.5, 25)])
    xs = np.full(len(ys), -99.9)
    who, km = index.nearest(xs, ys)
    assert who.tolist() == [0] * len(ys)
    np.testing.assert_allclose(km, (39.9 - ys) * scales(ys)[1], atol=1e-9)
    assert [c for c, _ in index.within(-99.9, float(ys[3]))] == [0, 1]


@pytest.mark.parametrize("swap", [False, True])
def test_a_corner_is_equally_far_through_both_coasts_that_meet_there(swap: bool) -> None:
    """Offshore below a coast corner (-99.9, 39.9) where two counties meet: the nearest point of
    both is the corner, reached as the end of one coast edge and the start of the other."""
    a = shapely.Polygon([(-100.0, 39.93), (-99.9, 39.9), (-99.9, 40.0), (-100.0, 40.0)])
    b = shapely.Polygon([(-99.9, 39.9), (-99.8, 39.94), (-99.8, 40.0), (-99.9, 40.0)])
    edges, owner = polygon_edges([b, a] if swap else [a, b])
    index = build_near_index(edges, owner, np.array([0, 1], dtype=np.int32), TOL)
    rng = np.random.default_rng(1)
    h = rng.uniform(0.005, 0.04, 300)
    xs, ys = -99.9 + h * rng.uniform(-0.1, 0.1, 300), 39.9 - h  # well inside the corner's cone
    who, km = index.nearest(xs, ys)
    assert (who == 0).all()
    kx, ky = scales(ys)
    np.testing.assert_allclose(km, np.hypot((xs + 99.9) * kx, h * ky))
    for x, y in zip(xs.tolist(), ys.tolist(), strict=True):
        (c0, d0), (c1, d1) = index.within(x, y)
        assert (c0, c1, d0) == (0, 1, d1)


@pytest.mark.parametrize("swap", [False, True])
def test_both_sides_of_a_line_are_equally_far_from_it(swap: bool) -> None:
    """Each county draws the line between them its own way round; the distance to either copy
    must be the same float, or the lower index would lose ties at random."""
    a = shapely.Polygon([(-100.0, 39.9), (-99.8, 39.9), (-99.8, 40.05)])
    b = shapely.Polygon([(-100.0, 39.9), (-99.8, 40.05), (-100.0, 40.05)])  # shares the diagonal
    edges, owner = polygon_edges([b, a] if swap else [a, b])
    index = build_near_index(edges, owner, np.array([0, 1], dtype=np.int32), TOL)
    rng = np.random.default_rng(0)
    t, off = rng.uniform(0.3, 0.7, 300), rng.uniform(-0.005, 0.005, 300)
    xs, ys = -100.0 + 0.2 * t, 39.9 + 0.15 * t + off  # within about 0.5 km of the diagonal
    for x, y in zip(xs.tolist(), ys.tolist(), strict=True):
        (c0, d0), (c1, d1) = index.within(x, y)[:2]
        assert (c0, c1, d0) == (0, 1, d1)
    assert (index.nearest(xs, ys)[0] == 0).all()
