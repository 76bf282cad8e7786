"""The directory and its territories as the text of a file: GeoJSON, TopoJSON, a CSV crosswalk
or JSON (the caller writes it)."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import shapely

from fieldoffice.core.errors import InvalidInput
from fieldoffice.directory.context import Context
from fieldoffice.lookup.offices import office_properties

FORMATS = ("geojson", "topojson", "csv", "json")
GROUPINGS = ("office", "county")


def geometry_json(geom: shapely.Geometry) -> dict[str, Any] | None:
    """RFC 7946 geometry: lon/lat, exteriors counter-clockwise, holes clockwise."""
    if geom.is_empty:
        return None
    oriented = shapely.orient_polygons(geom, exterior_cw=False)
    result: dict[str, Any] = json.loads(shapely.to_geojson(oriented))
    return result


def office_territory(ctx: Context, office_id: str) -> shapely.Geometry:
    gaz = ctx.gazetteer
    index = {c.fips: i for i, c in enumerate(gaz.counties)}
    polys = [gaz.polygons[index[f]] for f in sorted(ctx.territories.by_office[office_id])]
    merged = shapely.union_all([p for p in polys if not p.is_empty])
    return shapely.make_valid(merged) if not merged.is_valid else merged


def geojson_by_office(ctx: Context) -> dict[str, Any]:
    features = [
        {"type": "Feature", "id": o.id, "properties": office_properties(ctx, o.id),
         "geometry": geometry_json(office_territory(ctx, o.id))}
        for o in ctx.directory.offices
    ]  # fmt: skip
    return _collection(ctx, features)


def county_rows(ctx: Context) -> list[dict[str, Any]]:
    """The crosswalk: one row per county, every county of the data exactly once."""
    rows = []
    for c in ctx.gazetteer.counties:
        claims = ctx.territories.claims(c.fips)
        confs = sorted({x.confidence for x in claims})
        rows.append({
            "fips": c.fips, "county": c.name, "state": c.state,
            "office_ids": "|".join(sorted({x.office_id for x in claims})),
            "phrases": "|".join(sorted({x.phrase for x in claims})),
            "region": "|".join(sorted({x.region_id for x in claims if x.region_id})),
            "confidence": "|".join(confs),
        })  # fmt: skip
    return rows


def geojson_by_county(ctx: Context) -> dict[str, Any]:
    features = []
    for row, poly in zip(county_rows(ctx), ctx.gazetteer.polygons, strict=True):
        props = dict(row, office_ids=row["office_ids"].split("|") if row["office_ids"] else [])
        features.append(
            {
                "type": "Feature",
                "id": row["fips"],
                "properties": props,
                "geometry": geometry_json(poly),
            }
        )
    return _collection(ctx, features)


def _collection(ctx: Context, features: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "type": "FeatureCollection",
        "features": features,
        "metadata": {
            "directory": ctx.directory.title, "organization": ctx.directory.organization,
            "effective_date": ctx.directory.effective_date.isoformat(),
            "boundaries": ctx.gazetteer.counties_version,
        },
    }  # fmt: skip


def topojson(collection: dict[str, Any], name: str) -> dict[str, Any]:
    from topojson import Topology  # type: ignore[attr-defined]

    drawable = dict(collection, features=[f for f in collection["features"] if f["geometry"]])
    topo = Topology(drawable, prequantize=1_000_000, object_name=name)
    result: dict[str, Any] = json.loads(str(topo.to_json()))
    result["metadata"] = collection["metadata"]
    return result


def directory_json(ctx: Context) -> dict[str, Any]:
    d = ctx.directory
    return {
        "organization": d.organization, "unit": d.unit, "title": d.title, "source": d.source,
        "effective_date": d.effective_date.isoformat(), "data_version": d.data_version,
        "media": {"name": d.media.name, "phone": d.media.phone, "email": d.media.email,
                  "text": d.media.text, "about": d.media.about},
        "credit_line": d.credit_line,
        "notices": [{"id": n.id, "kind": n.kind, "text": n.text} for n in d.notices],
        "offices": [
            dict(office_properties(ctx, o.id),
                 clauses=[{k: v for k, v in vars(c).items() if v not in (None, ())} for c in o.clauses],
                 counties=sorted(ctx.territories.by_office[o.id]))
            for o in d.offices
        ],
        "uncovered_counties": ctx.territories.uncovered,
        "overlapping_counties": ctx.territories.overlaps,
    }  # fmt: skip


def export(ctx: Context, fmt: str, by: str = "office") -> str:
    """The export as text, ready to write to a file or stdout."""
    if fmt not in FORMATS:
        raise InvalidInput(f"unknown format {fmt!r}", hint=f"use one of: {', '.join(FORMATS)}")
    if by not in GROUPINGS:
        raise InvalidInput(f"unknown grouping {by!r}", hint=f"use one of: {', '.join(GROUPINGS)}")
    if fmt == "csv":
        buf = io.StringIO()
        rows = county_rows(ctx)
        w = csv.DictWriter(buf, fieldnames=list(rows[0]), lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
        return buf.getvalue()
    if fmt == "json":
        return json.dumps(directory_json(ctx), indent=1, ensure_ascii=False) + "\n"
    collection = geojson_by_office(ctx) if by == "office" else geojson_by_county(ctx)
    if fmt == "topojson":
        return (
            json.dumps(
                topojson(collection, "offices" if by == "office" else "counties"),
                separators=(",", ":"),
            )
            + "\n"
        )
    return json.dumps(collection, separators=(",", ":"), ensure_ascii=False) + "\n"
