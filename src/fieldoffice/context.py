"""Everything a lookup needs, loaded once: the directory, the geography, regions and territories."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from fieldoffice.directory import load_versions, version_in_effect
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
def shared_gazetteer() -> Gazetteer:
    return Gazetteer()


@lru_cache(maxsize=1)
def shared_regions() -> tuple[dict[str, Any], dict[str, Region]]:
    return load_regions(shared_gazetteer().counties)


@lru_cache(maxsize=8)
def _load(directory_path: Path | None, as_of: dt.date | None) -> Context:
    gaz = shared_gazetteer()
    versions = load_versions(directory_path)
    directory = version_in_effect(versions, as_of) if as_of else versions[-1]
    regions_version, regions = shared_regions()
    territories = compile_territories(directory, gaz.counties, regions)
    return Context(directory, gaz, regions, regions_version, territories)


def resolve_directory_path(directory_path: Path | str | None = None) -> Path | None:
    chosen = directory_path or os.environ.get(DIRECTORY_ENV) or None
    return Path(chosen).resolve() if chosen else None


def load_context(
    directory_path: Path | str | None = None, *, as_of: dt.date | None = None
) -> Context:
    """The shipped directory, or the one at `directory_path` (or $FIELDOFFICE_DIRECTORY).

    The path may be a folder of versions: the latest is used, or with `as_of` the version in
    effect on that day.
    """
    return _load(resolve_directory_path(directory_path), as_of)
