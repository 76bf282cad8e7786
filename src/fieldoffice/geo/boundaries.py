"""The packaged county boundaries: metadata always, polygons only when something needs them.

shapely is imported only by the functions that make polygons, so the county table costs no geometry.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from fieldoffice.core.errors import DataError

if TYPE_CHECKING:
    import shapely


@dataclass(frozen=True)
class County:
    fips: str
    name: str  # legal name with its suffix: "Washoe County", "Richmond city"
    short_name: str  # as the boundary file has it: "Washoe", "Richmond"
    state: str  # USPS code

    @property
    def label(self) -> str:
        return f"{self.name}, {self.state}"


def _polygon(rings: list[list[list[float]]]) -> shapely.Polygon:
    import shapely

    return shapely.Polygon(rings[0], rings[1:])


def _geometry(g: dict[str, Any] | None) -> shapely.Geometry:
    import shapely

    if g is None:
        return shapely.Polygon()
    if g["type"] == "Polygon":
        return _polygon(g["coordinates"])
    if g["type"] == "MultiPolygon":
        return shapely.MultiPolygon([_polygon(p) for p in g["coordinates"]])
    raise DataError(f"unsupported geometry type {g['type']!r}", hint="use Polygon or MultiPolygon")


def read_counties_geojson(path: Path) -> tuple[dict[str, Any], npt.NDArray[np.object_]]:
    """The FeatureCollection (without geometries parsed) and its polygons, in file order.

    Coordinates are read with Python's float parser, which round-trips the written doubles exactly,
    so the polygons here are bit-for-bit those the point index was built from.
    """
    try:
        doc = json.loads(path.read_text())
    except (OSError, json.JSONDecodeError) as exc:
        raise DataError(
            f"cannot read county boundaries {path}: {exc}",
            hint="pass a GeoJSON FeatureCollection of county polygons",
        ) from exc
    geoms = np.empty(len(doc["features"]), dtype=object)
    for i, f in enumerate(doc["features"]):
        geoms[i] = _geometry(f.get("geometry"))
    return doc, geoms


def read_county_table(
    path: Path,
) -> tuple[dict[str, Any], list[County], dict[str, tuple[float, float]]]:
    """The data_version, the counties in file order, and each county's label point (lat, lon)."""
    doc = json.loads(path.read_text())
    props = [f["properties"] for f in doc["features"]]
    counties = [
        County(fips=p["fips"], name=p["name"], short_name=p["short_name"], state=p["state"])
        for p in props
    ]
    points = {p["fips"]: (p["lat"], p["lon"]) for p in props}
    return doc.get("data_version", {}), counties, points


def polygons_to_wkb(geoms: npt.NDArray[np.object_]) -> dict[str, npt.NDArray[Any]]:
    """Polygons as arrays (their WKB, end to end, and where each ends): exact, and quick to read."""
    import shapely

    blobs = shapely.to_wkb(geoms)
    ends = np.cumsum([len(b) for b in blobs], dtype=np.int64)
    data = np.frombuffer(b"".join(blobs), dtype=np.uint8)
    return {"wkb": data, "ends": ends}


def polygons_from_wkb(arrays: dict[str, npt.NDArray[Any]]) -> npt.NDArray[np.object_]:
    """The polygons `polygons_to_wkb` stored, bit for bit."""
    import shapely

    data, ends = arrays["wkb"], arrays["ends"].tolist()
    buf = data.data.cast("B")
    blobs = np.empty(len(ends), dtype=object)
    start = 0
    for i, end in enumerate(ends):
        blobs[i] = bytes(buf[start:end])
        start = end
    geoms: npt.NDArray[np.object_] = shapely.from_wkb(blobs)
    return geoms
