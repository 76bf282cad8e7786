"""The point index against its oracle, shapely `covers`, on the shipped polygons and on toy ones."""

from __future__ import annotations

import math

import numpy as np
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st

from fieldoffice.core.errors import InvalidCoordinates
from fieldoffice.directory.context import Context
from fieldoffice.geo.index import INVALID, NO_POLYGON, PointIndex
from fieldoffice.geo.index_build import build_index, polygon_edges


def oracle(polys: np.ndarray, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Lowest index of the polygons that cover each point, -1 if none: the slow exact answer."""
    tree = shapely.STRtree(polys)
    pt, poly = tree.query(
        shapely.points(x, y), predicate="covered_by"
    )  # point covered_by polygon == polygon covers point
    best = np.full(len(x), np.iinfo(np.int64).max)
    np.minimum.at(best, pt, poly)
    return np.where(best == np.iinfo(np.int64).max, -1, best)


@pytest.fixture(scope="module")
def shipped(ctx: Context) -> tuple[PointIndex, np.ndarray]:
    return ctx.gazetteer.index, ctx.gazetteer.polygons


def test_one_million_random_points_agree_with_covers(
    shipped: tuple[PointIndex, np.ndarray],
) -> None:
    index, polys = shipped
    rng = np.random.default_rng(7)
    n = 1_000_000
    # Most points over the 50 states' bounding box, some over every territory's.
    x = np.concatenate(
        [
            rng.uniform(-180, -65, n - 40_000),
            rng.uniform(144, 146, 20_000),
            rng.uniform(-171, -64, 20_000),
        ]
    )
    y = np.concatenate(
        [rng.uniform(18, 72, n - 40_000), rng.uniform(13, 21, 20_000), rng.uniform(-15, 19, 20_000)]
    )
    got = index.lookup(lat=y, lon=x)
    expected = oracle(polys, x, y)
    assert (got >= 0).sum() > 100_000  # the sample really exercises the counties
    np.testing.assert_array_equal(got, expected)


def test_every_polygon_vertex_agrees(shipped: tuple[PointIndex, np.ndarray]) -> None:
    index, polys = shipped
    xy = shapely.get_coordinates(polys)
    got = index.lookup(lat=xy[:, 1], lon=xy[:, 0])
    np.testing.assert_array_equal(got, oracle(polys, xy[:, 0], xy[:, 1]))
    assert (got >= 0).all()  # a vertex is on its own polygon's boundary, so it is covered


def test_points_on_edges_agree(shipped: tuple[PointIndex, np.ndarray]) -> None:
    index, polys = shipped
    edges, _ = polygon_edges(list(polys))
    rng = np.random.default_rng(11)
    t = rng.uniform(0, 1, len(edges))
    x = edges[:, 0] + t * (edges[:, 2] - edges[:, 0])
    y = edges[:, 1] + t * (edges[:, 3] - edges[:, 1])
    mid_x = (edges[:, 0] + edges[:, 2]) / 2
    mid_y = (edges[:, 1] + edges[:, 3]) / 2
    x, y = np.concatenate([x, mid_x]), np.concatenate([y, mid_y])
    np.testing.assert_array_equal(index.lookup(lat=y, lon=x), oracle(polys, x, y))


def test_points_on_grid_lines_agree(shipped: tuple[PointIndex, np.ndarray]) -> None:
    """Cell boundaries are where rounding could put a point in the wrong cell."""
    index, polys = shipped
    rng = np.random.default_rng(3)
    step = index.a.coarse_deg / index.a.sub
    x = np.round(rng.uniform(-125, -66, 200_000) / step) * step
    y = rng.uniform(24, 50, 200_000)
    y[::2] = np.round(y[::2] / step) * step
    np.testing.assert_array_equal(index.lookup(lat=y, lon=x), oracle(polys, x, y))


def test_scalar_path_matches_vector_path(shipped: tuple[PointIndex, np.ndarray]) -> None:
    index, polys = shipped
    rng = np.random.default_rng(5)
    x, y = rng.uniform(-125, -66, 3000), rng.uniform(24, 50, 3000)
    xy = shapely.get_coordinates(polys)[::50]
    x, y = np.concatenate([x, xy[:, 0]]), np.concatenate([y, xy[:, 1]])
    vec = index.lookup(lat=y, lon=x)
    one = [index.lookup_one(lat=float(b), lon=float(a)) for a, b in zip(x, y, strict=True)]
    np.testing.assert_array_equal(vec, one)


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_point_inside_a_county_gives_that_county_and_its_offices(
    ctx: Context, data: st.DataObject
) -> None:
    gaz = ctx.gazetteer
    k = data.draw(st.integers(0, len(gaz.counties) - 1))
    poly = gaz.polygons[k]
    if poly.is_empty:
        return
    # a point strictly inside: sample the polygon's bounding box until a point falls inside
    minx, miny, maxx, maxy = poly.bounds
    for _ in range(200):
        x = data.draw(st.floats(minx, maxx, allow_nan=False))
        y = data.draw(st.floats(miny, maxy, allow_nan=False))
        if (
            poly.contains(shapely.Point(x, y))
            and poly.boundary.distance(shapely.Point(x, y)) > 1e-9
        ):
            break
    else:
        return
    assert gaz.index.lookup_one(lat=y, lon=x) == k
    fips = gaz.counties[k].fips
    answer_offices = ctx.territories.offices_of(fips)
    from fieldoffice.lookup.locate import Locator

    ans = Locator(ctx).locate_point(lat=y, lon=x)
    got = {o.id for o in ans.offices if o.side != "nearby"}
    assert got == set(answer_offices)


@given(
    st.one_of(
        st.just(math.nan),
        st.just(math.inf),
        st.just(-math.inf),
        st.floats(min_value=90.000001, max_value=1e9),
        st.floats(max_value=-90.000001, min_value=-1e9),
    ),
    st.floats(-180, 180),
)
def test_invalid_latitude_is_refused(ctx: Context, lat: float, lon: float) -> None:
    index = ctx.gazetteer.index
    with pytest.raises(InvalidCoordinates):
        index.lookup_one(lat=lat, lon=lon)
    with pytest.raises(InvalidCoordinates):
        index.lookup(lat=np.array([40.0, lat]), lon=np.array([-100.0, lon]))
    marked = index.lookup(lat=np.array([40.0, lat]), lon=np.array([-100.0, lon]), on_invalid="mark")
    assert marked[1] == INVALID and marked[0] >= 0


@given(
    st.floats(-90, 90),
    st.one_of(
        st.just(math.nan),
        st.floats(min_value=180.000001, max_value=1e9),
        st.floats(max_value=-180.000001, min_value=-1e9),
    ),
)
def test_invalid_longitude_is_refused(ctx: Context, lat: float, lon: float) -> None:
    with pytest.raises(InvalidCoordinates):
        ctx.gazetteer.index.lookup_one(lat=lat, lon=lon)


def test_coordinates_are_keyword_only(ctx: Context) -> None:
    with pytest.raises(TypeError):
        ctx.gazetteer.index.lookup_one(39.5, -119.8)  # type: ignore[misc]
    with pytest.raises(TypeError):
        ctx.gazetteer.index.lookup(np.array([39.5]), np.array([-119.8]))  # type: ignore[misc]


# -- toy polygons: the rules themselves -------------------------------------------------------

TOYS = [
    shapely.box(0, 0, 1, 1),
    shapely.box(1, 0, 2, 1),  # shares the edge x=1 with polygon 0
    shapely.Polygon([(0, 1), (2, 1), (1, 2)]),  # shares y=1 with both
    shapely.Polygon(
        [(3, 0), (5, 0), (5, 2), (3, 2)], [[(3.5, 0.5), (4.5, 0.5), (4.5, 1.5), (3.5, 1.5)]]
    ),
    shapely.box(3.5, 0.5, 4.5, 1.5),  # fills the hole of polygon 3
]


@pytest.fixture(scope="module")
def toy() -> PointIndex:
    polys = np.asarray(TOYS, dtype=object)
    return PointIndex(build_index(TOYS, coarse_deg=0.25, sub=8), lambda: polys)


@pytest.mark.parametrize(
    ("x", "y", "expected"),
    [
        (0.5, 0.5, 0),
        (1.5, 0.5, 1),
        (1.0, 0.5, 0),  # on the shared edge: the lower index wins
        (1.0, 1.0, 0),
        (1.0, 1.5, 2),
        (1.5, 1.0, 1),  # shared vertex and edges with the triangle
        (4.0, 1.0, 4),
        (3.5, 1.0, 3),
        (3.2, 1.0, 3),  # hole filled by polygon 4; hole edge
        (2.5, 0.5, NO_POLYGON),
        (1.0, 2.0, 2),
        (-1e-12, 0.5, NO_POLYGON),
    ],
)
def test_boundary_rules_on_toy_polygons(toy: PointIndex, x: float, y: float, expected: int) -> None:
    assert toy.lookup_one(lat=y, lon=x) == expected
    assert toy.lookup(lat=[y], lon=[x])[0] == expected


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.floats(-1, 6), st.floats(-1, 3)), min_size=1, max_size=50))
def test_toy_index_agrees_with_covers(toy: PointIndex, pts: list[tuple[float, float]]) -> None:
    x = np.array([p[0] for p in pts])
    y = np.array([p[1] for p in pts])
    np.testing.assert_array_equal(
        toy.lookup(lat=y, lon=x), oracle(np.asarray(TOYS, dtype=object), x, y)
    )
