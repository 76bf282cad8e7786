"""Exports read back with real parsers: shapely for GeoJSON, topojson's own decoding, csv, json."""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from pathlib import Path

import pytest
import shapely

from fieldoffice.directory.context import Context
from fieldoffice.editing.export import export
from tests.cli.test_commands import run


@pytest.fixture(scope="module")
def by_office(ctx: Context) -> dict:  # type: ignore[type-arg]
    return json.loads(export(ctx, "geojson"))


def test_geojson_one_feature_per_office_loads_in_shapely(ctx: Context, by_office: dict) -> None:  # type: ignore[type-arg]
    feats = by_office["features"]
    assert [f["id"] for f in feats] == [o.id for o in ctx.directory.offices]
    for f in feats:
        geom = shapely.geometry.shape(f["geometry"])
        assert geom.is_valid and not geom.is_empty
        props = f["properties"]
        assert {"id", "name", "city", "state", "phone", "email", "aor", "county_count"} <= set(
            props
        )
        assert props["county_count"] == len(ctx.territories.by_office[f["id"]])
    phoenix = shapely.geometry.shape(feats[0]["geometry"])
    assert phoenix.covers(shapely.Point(-112.07, 33.45))  # lon/lat order: Phoenix
    assert not phoenix.covers(shapely.Point(33.45, -112.07))


def test_geojson_follows_the_right_hand_rule(by_office: dict) -> None:  # type: ignore[type-arg]
    for f in by_office["features"]:
        for poly in shapely.get_parts(shapely.geometry.shape(f["geometry"])):
            assert poly.exterior.is_ccw, f["id"]
            assert all(not ring.is_ccw for ring in poly.interiors), f["id"]


def test_dissolved_territory_area_equals_its_counties(ctx: Context, by_office: dict) -> None:  # type: ignore[type-arg]
    index = {c.fips: i for i, c in enumerate(ctx.gazetteer.counties)}
    for f in by_office["features"][:6]:
        counties = [ctx.gazetteer.polygons[index[x]] for x in ctx.territories.by_office[f["id"]]]
        assert shapely.geometry.shape(f["geometry"]).area == pytest.approx(
            sum(p.area for p in counties), rel=1e-6
        )


def test_geojson_by_county_lists_office_ids(ctx: Context) -> None:
    data = json.loads(export(ctx, "geojson", by="county"))
    feats = {f["id"]: f for f in data["features"]}
    assert len(feats) == len(ctx.gazetteer.counties)
    assert feats["12086"]["properties"]["office_ids"] == ["miami", "tampa"]
    assert feats["51760"]["properties"]["office_ids"] == []
    assert feats["51610"]["geometry"] is None  # Falls Church has no polygon at 1:10M


def test_csv_crosswalk_has_every_county_exactly_once(ctx: Context) -> None:
    rows = list(csv.DictReader(io.StringIO(export(ctx, "csv"))))
    counts = Counter(r["fips"] for r in rows)
    assert set(counts) == {c.fips for c in ctx.gazetteer.counties} and set(counts.values()) == {1}
    by = {r["fips"]: r for r in rows}
    assert by["32023"]["office_ids"] == "laguna-niguel" and by["32023"]["confidence"] == "low"
    assert by["32023"]["region"] == "southern-nevada"
    assert by["12086"]["office_ids"] == "miami|tampa"


def test_topojson_decodes_to_the_same_territories(ctx: Context, by_office: dict) -> None:  # type: ignore[type-arg]
    topo = json.loads(export(ctx, "topojson"))
    assert topo["type"] == "Topology" and "offices" in topo["objects"]
    geoms = topo["objects"]["offices"]["geometries"]
    assert len(geoms) == len(ctx.directory.offices)
    arcs = decode_arcs(topo)
    for g, f in zip(geoms, by_office["features"], strict=True):
        shape = topo_shape(g, arcs)
        ref = shapely.geometry.shape(f["geometry"])
        assert shape.symmetric_difference(ref).area < 1e-3 * ref.area, g["properties"]["id"]
    assert len(json.dumps(topo)) < 0.6 * len(json.dumps(by_office))  # shared arcs make it smaller


def decode_arcs(topo: dict) -> list[list[tuple[float, float]]]:  # type: ignore[type-arg]
    t = topo.get("transform")
    out = []
    for arc in topo["arcs"]:
        if t:
            x = y = 0
            pts = []
            for dx, dy in arc:
                x, y = x + dx, y + dy
                pts.append(
                    (x * t["scale"][0] + t["translate"][0], y * t["scale"][1] + t["translate"][1])
                )
        else:
            pts = [tuple(p) for p in arc]
        out.append(pts)
    return out


def topo_shape(g: dict, arcs: list) -> shapely.Geometry:  # type: ignore[type-arg]
    def ring(refs: list[int]) -> list[tuple[float, float]]:
        pts: list[tuple[float, float]] = []
        for r in refs:
            seg = arcs[r] if r >= 0 else arcs[~r][::-1]
            pts.extend(seg if not pts else seg[1:])
        return pts

    polys = [g["arcs"]] if g["type"] == "Polygon" else g["arcs"]
    return shapely.MultiPolygon(
        [shapely.Polygon(ring(p[0]), [ring(h) for h in p[1:]]) for p in polys]
    )


def test_json_is_the_whole_directory(ctx: Context) -> None:
    data = json.loads(export(ctx, "json"))
    assert data["media"]["phone"] == "(202) 732-4646"
    assert len(data["offices"]) == 22 and data["offices"][0]["clauses"][0] == {
        "phrase": "Arizona",
        "state": "AZ",
    }
    assert len(data["uncovered_counties"]) == 213


def test_cli_export_writes_file_and_refuses_bad_format(tmp_path: Path) -> None:
    out = tmp_path / "x.csv"
    r = run("export", "--format", "csv", "-o", str(out))
    assert r.returncode == 0 and out.read_text().startswith("fips,county,state,office_ids")
    r = run("export", "--format", "shapefile")
    assert r.returncode == 2 and "unknown format 'shapefile'" in r.stderr
    r = run("export", "-f", "csv", "-o", str(tmp_path / "no" / "such" / "dir.csv"))
    assert r.returncode == 2 and "does not exist" in r.stderr
    r = run("export", "-f", "csv", "-o", str(tmp_path) + "/")
    assert r.returncode == 2 and "is a folder" in r.stderr
    target = tmp_path / "real.csv"
    target.write_text("keep me")
    (tmp_path / "link.csv").symlink_to(target)
    r = run("export", "-f", "csv", "-o", str(tmp_path / "link.csv"))
    assert r.returncode == 2 and "not a regular file" in r.stderr
    assert target.read_text() == "keep me" and (tmp_path / "link.csv").is_symlink()
    assert not list(tmp_path.glob("*.tmp")) and not list(tmp_path.glob(".*.tmp"))
