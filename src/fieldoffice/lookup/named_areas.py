"""Named areas people type: the directory's region phrases and everyday names of county groups.

"West Texas", "NoVA", "Rio Grande Valley", "Long Island", "NYC", "Miami-Dade" are places too. Each
is a set of counties with a source; regions.toml's regions are typeable by their own names, and
data/areas.toml adds variants and common names. Matching is by folded name, with or without the
state after it ("West Texas, TX").
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from fieldoffice.core.errors import DataError
from fieldoffice.core.models import CONFIDENCE_RANK, Region
from fieldoffice.core.text import fold
from fieldoffice.geo.gazetteer import Gazetteer


@dataclass(frozen=True)
class Area:
    name: str
    state: str
    counties: tuple[str, ...]
    source: str
    region: str | None = None  # the regions.toml id, when the area is exactly a region


def default_path() -> Path:
    return Path(str(resources.files("fieldoffice.data").joinpath("areas.toml")))


def load_areas(gaz: Gazetteer, regions: Mapping[str, Region], path: Path | None = None) -> dict[str, Area]:  # fmt: skip
    """Folded name or alias -> area: every region under its own name, then the entries of
    areas.toml (checked: an unknown county or region is an error that names it)."""
    by_key = {
        fold(r.name): Area(r.name, r.state, tuple(sorted(r.counties)), r.source, r.id)
        for r in regions.values()
    }
    path = path or default_path()
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise DataError(f"cannot read areas file {path}: {exc}") from exc
    for entry in raw.get("area", []):
        where = f"{path}: area {entry.get('name')!r}"
        state = entry.get("state", "")
        if "region" in entry:
            region = regions.get(entry["region"])
            if region is None:
                raise DataError(f"{where}: unknown region {entry['region']!r}")
            counties = tuple(sorted(region.counties))
            entry = dict(entry, source=region.source)  # the region's own source, not the alias's
        else:
            if entry.get("confidence") not in CONFIDENCE_RANK:
                raise DataError(f"{where}: confidence must be one of {', '.join(CONFIDENCE_RANK)}")
            fipses = []
            for name in entry.get("counties", []):
                fips = gaz.county_names.resolve(state, name)
                if fips is None:
                    raise DataError(f"{where}: {name!r} is not a county of {state!r}")
                fipses.append(fips)
            counties = tuple(sorted(fipses))
        area = Area(entry["name"], state, counties, entry["source"], entry.get("region"))
        for name in (entry["name"], *entry.get("aliases", ())):
            by_key.setdefault(fold(name), area)
    return by_key


class AreaIndex:
    def __init__(self, gaz: Gazetteer, regions: Mapping[str, Region], path: Path | None = None) -> None:  # fmt: skip
        self.gaz = gaz
        self.by_key = load_areas(gaz, regions, path)

    def match(self, text: str) -> Area | None:
        """The area the whole text names, with or without its state after it."""
        key = fold(text)
        found = self.by_key.get(key)
        if found is not None:
            return found
        head, _, tail = text.rpartition(",")
        words = text.split()
        candidates = [(head, tail)] if head else []
        for n in (2, 1):  # "West Texas TX", "Long Island New York"
            if len(words) > n:
                candidates.append((" ".join(words[:-n]), " ".join(words[-n:])))
        for rest, st_text in candidates:
            st = self.gaz.state(st_text.strip())
            area = self.by_key.get(fold(rest))
            if st is not None and area is not None and area.state == st.usps:
                return area
        return None
