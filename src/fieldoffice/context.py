"""Everything a lookup needs, loaded once: the directory, the geography, regions and territories."""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from fieldoffice.directory import load_directory
from fieldoffice.geo.gazetteer import Gazetteer
from fieldoffice.models import Directory, Region
from fieldoffice.regions import load_regions
from fieldoffice.territory import TerritoryMap, compile_territories

DIRECTORY_ENV = "FIELDOFFICE_DIRECTORY"


@dataclass(frozen=True)
class Context:
    directory: Directory
    gazetteer: Gazetteer
    regions: dict[str, Region]
    regions_version: dict[str, Any]
    territories: TerritoryMap


@lru_cache(maxsize=1)
def _gazetteer() -> Gazetteer:
    return Gazetteer()


@lru_cache(maxsize=8)
def _load(directory_path: Path | None) -> Context:
    gaz = _gazetteer()
    directory = load_directory(directory_path)
    regions_version, regions = load_regions(gaz.counties)
    territories = compile_territories(directory, gaz.counties, regions)
    return Context(directory, gaz, regions, regions_version, territories)


def load_context(directory_path: Path | str | None = None) -> Context:
    """The shipped directory, or the one at `directory_path` (or $FIELDOFFICE_DIRECTORY)."""
    chosen = directory_path or os.environ.get(DIRECTORY_ENV) or None
    return _load(Path(chosen).resolve() if chosen else None)
