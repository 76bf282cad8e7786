"""Offices as every door shows them: a reference in an answer, a row in a list, a detail page.

One presenter, used by the locator, the CLI, the API, the pages and the exports.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from fieldoffice.core.answer import OfficeCard, OfficeRef
from fieldoffice.core.models import Confidence, Directory, Office
from fieldoffice.directory.context import Context


def office_card(directory: Directory, office: Office) -> OfficeCard:
    """How to reach an office: its own channels, or else the directory's national contact."""
    own = bool(office.phone or office.email)
    return OfficeCard(
        id=office.id,
        name=office.name,
        city=office.city,
        state=office.state,
        phone=office.phone if own else directory.media.phone,
        email=office.email if own else directory.media.email,
        contact_source="office" if own else "national media line",
        aor=office.aor,
    )


def office_ref(directory: Directory, office: Office) -> OfficeRef:
    return OfficeRef(**asdict(office_card(directory, office)))


@dataclass(frozen=True)
class OfficeSummary(OfficeCard):
    county_count: int


@dataclass(frozen=True)
class OfficeCounty:
    fips: str
    name: str
    state: str
    phrase: str
    region: str | None
    confidence: Confidence


@dataclass(frozen=True)
class OfficeDetail(OfficeSummary):
    counties: tuple[OfficeCounty, ...] = ()


def office_summary(ctx: Context, office_id: str) -> OfficeSummary:
    office = ctx.directory.office(office_id)
    if office is None:
        raise KeyError(office_id)
    card = asdict(office_card(ctx.directory, office))
    return OfficeSummary(**card, county_count=len(ctx.territories.by_office[office.id]))


def office_detail(ctx: Context, office_id: str) -> OfficeDetail:
    by_fips = ctx.gazetteer.county_by_fips
    counties = tuple(
        OfficeCounty(fips=f, name=by_fips[f].name, state=by_fips[f].state, phrase=c.phrase,
                     region=c.region_id, confidence=c.confidence)  # type: ignore[arg-type]
        for f, c in sorted(ctx.territories.by_office[office_id].items())
    )  # fmt: skip
    return OfficeDetail(**asdict(office_summary(ctx, office_id)), counties=counties)


def office_properties(ctx: Context, office_id: str) -> dict[str, Any]:
    """An office's summary as a plain dict, for GeoJSON properties and CSV rows."""
    return asdict(office_summary(ctx, office_id))
