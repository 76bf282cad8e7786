"""Every ZIP code maps to a county in the data, or is a documented exception."""

from __future__ import annotations

import re

import pytest

from fieldoffice.directory.context import Context
from fieldoffice.lookup.locate import Locator
from fieldoffice.lookup.wording import sentence
from tests.paths import ROOT

DOCS = ROOT / "docs" / "data.md"
MILITARY = {"AA", "AE", "AP"}
FREELY_ASSOCIATED = {"FM", "MH", "PW"}


def documented_exceptions() -> set[str]:
    section = DOCS.read_text().split("## ZIP codes without a county", 1)[1].split("\n## ", 1)[0]
    return set(re.findall(r"`(\d{5})`", section))


def test_every_zip_has_a_known_county_or_a_documented_reason(ctx: Context) -> None:
    gaz = ctx.gazetteer
    assert len(gaz.zips) > 40_000
    documented = documented_exceptions()
    unexplained = []
    for z in gaz.zips.values():
        if z.county_fips is not None:
            assert z.county_fips in gaz.county_by_fips, z
            assert gaz.county_by_fips[z.county_fips].state == z.state, z
        elif z.state in MILITARY | FREELY_ASSOCIATED or z.zip in documented:
            continue
        else:
            unexplained.append(z.zip)
    assert unexplained == []
    # and the documented list has nothing stale in it
    stale = [d for d in documented if d not in gaz.zips or gaz.zips[d].county_fips is not None]
    assert stale == []


@pytest.mark.parametrize(
    ("query", "office", "fips"),
    [
        ("89501", "san-francisco", "32031"),
        ("89501-1234", "san-francisco", "32031"),
        ("895011234", "san-francisco", "32031"),
        ("89049", "laguna-niguel", "32023"),
        ("11375", "new-york", "36081"),  # Forest Hills, Queens: far from New Jersey
        ("14201", "detroit", "36029"),
        ("22046", "washington-dc-headquarters", "51610"),
    ],
)
def test_zip_and_zip4(locator: Locator, query: str, office: str, fips: str) -> None:
    a = locator.locate(query)
    assert [o.id for o in a.offices] == [office]
    assert [c.fips for c in a.counties] == [fips]


def test_unknown_zip_is_not_found_and_malformed_zip_is_invalid(locator: Locator) -> None:
    assert locator.locate("00000").status == "not_found"
    bad = locator.locate("8950")
    assert bad.status == "invalid" and "5 digits" in sentence(bad)


def test_military_zip_says_why_it_has_no_office(locator: Locator) -> None:
    a = locator.locate("09001")
    assert a.status == "not_found" and "military" in sentence(a)
