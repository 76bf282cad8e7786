"""Named regions (regions.toml): each vague AOR phrase as an exact set of counties with confidence."""

from __future__ import annotations

import tomllib
from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from typing import Any

from fieldoffice.core.errors import DataError
from fieldoffice.core.models import CONFIDENCE_RANK, Region
from fieldoffice.geo.boundaries import County
from fieldoffice.geo.names import CountyNames


def default_path() -> Path:
    return Path(str(resources.files("fieldoffice.data").joinpath("regions.toml")))


def load_regions(
    counties: Sequence[County], path: Path | None = None, *, names: CountyNames | None = None
) -> tuple[dict[str, Any], dict[str, Region]]:
    """The regions file's data_version and its regions; `names` may be those of `counties`."""
    path = path or default_path()
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise DataError(f"cannot read regions file {path}: {exc}") from exc
    names = names if names is not None else CountyNames(counties)
    regions: dict[str, Region] = {}
    for r in raw.get("region", []):
        rid = r.get("id", "?")
        where = f"{path}: region {rid!r}"
        state = r.get("state")
        if state not in names.by_state:
            raise DataError(
                f"{where}: unknown state {state!r}", hint="use a USPS code such as 'NV'"
            )
        members: dict[str, tuple[str, str | None]] = {}
        rest_groups = []
        for g in r.get("group", []):
            conf = g.get("confidence")
            if conf not in CONFIDENCE_RANK:
                raise DataError(
                    f"{where}: confidence {conf!r} is not one of {', '.join(CONFIDENCE_RANK)}"
                )
            if g.get("rest_of_state"):
                rest_groups.append(g)
                continue
            for name in g.get("counties", []):
                fips = names.resolve(state, name)
                if fips is None:
                    many = names.ambiguous(state, name)
                    detail = (
                        f"matches several counties ({', '.join(many)}); write its legal name"
                        if many
                        else "is not a county of " + state
                    )
                    raise DataError(f"{where}: county {name!r} {detail}")
                members[fips] = (conf, g.get("note"))
        for g in rest_groups:
            taken = set(members)
            for other in g.get("except_regions", []):
                if other not in regions:
                    raise DataError(
                        f"{where}: except_regions names {other!r}, which is not defined above it",
                        hint="define regions before the ones that exclude them",
                    )
                taken |= set(regions[other].counties)
            for c in names.by_state[state]:
                if c.fips not in taken:
                    members[c.fips] = (g["confidence"], g.get("note"))
        if not members:
            raise DataError(f"{where}: has no counties")
        regions[rid] = Region(
            id=rid, name=r["name"], state=state, source=r.get("source", ""), counties=members
        )
    return raw.get("data_version", {}), regions
