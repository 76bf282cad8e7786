"""Names the USPS knows a ZIP code's area by but does not accept in an address (geo/postal_build.py).

New York's towns are no populated place GeoNames lists (its cities500 has their hamlets and
villages), so before these names "Clarkstown, NY" was not_found. Each row is a real place, with the
county it is in (Census FIPS) and the office at its own point (the national audit's truth:
scripts/audit_places.py world-cities); each can fail on its own.
"""

from __future__ import annotations

from typing import Any

import pytest

from fieldoffice.geo.postal_build import recognised_names
from fieldoffice.lookup.locate import Locator

# query -> (county FIPS it lies in, office at its point)
TOWNS = [
    ("Clarkstown, NY", "36087", "new-york"),  # Rockland County; New City's 10956
    ("Yorktown, NY", "36119", "new-york"),  # Westchester County
    ("Philipstown, NY", "36079", "new-york"),  # Putnam County
    ("Bethlehem, NY", "36001", "detroit"),  # Albany County; Delmar's 12054
    ("Le Ray, NY", "36045", "detroit"),  # Jefferson County; Fort Drum's 13637
    ("Wheatfield, NY", "36063", "detroit"),  # Niagara County
    ("Kingsbury, NY", "36115", "detroit"),  # Washington County
    ("San Buenaventura, CA", "06111", "laguna-niguel"),  # Ventura's legal name
]


@pytest.mark.parametrize(("query", "fips", "office"), TOWNS)
def test_a_town_known_only_by_a_not_acceptable_name_answers_from_its_zip(
    locator: Locator, query: str, fips: str, office: str
) -> None:
    a = locator.locate(query)
    assert a.status in ("matched", "near_boundary"), a.status
    assert [o.id for o in a.responsible] == [office]
    assert [c.fips for c in a.counties] == [fips]
    assert a.confidence != "high"  # a postal name is never certain


@pytest.mark.parametrize(
    ("query", "fips"),
    [("Westchester, NY", "36119"), ("Jefferson County, CO", "08059")],
)
def test_a_county_name_stays_the_county(locator: Locator, query: str, fips: str) -> None:
    # "Westchester" is a not acceptable name of 10461 (the Bronx), "Jefferson County" of 80419
    a = locator.locate(query)
    assert a.location is not None and a.location.kind == "county"
    assert [c.fips for c in a.counties] == [fips]


def _zip(code: str, state: str, city: str, ok: tuple[str, ...] = (),
         not_ok: tuple[str, ...] = ()) -> dict[str, Any]:  # fmt: skip
    return {"zip_code": code, "state": state, "city": city,
            "acceptable_cities": list(ok), "unacceptable_cities": list(not_ok)}  # fmt: skip


def test_only_names_nothing_else_in_the_state_has_are_kept() -> None:
    zips = [
        _zip("10956", "NY", "NEW CITY", not_ok=("Clarkstown", "Clarkstown", "Bardonia")),
        _zip("10954", "NY", "NANUET", ok=("Bardonia",), not_ok=("New City",)),
        _zip("10461", "NY", "BRONX", not_ok=("Westchester", "Westchester County")),
        _zip("19104", "PA", "PHILADELPHIA", not_ok=("Clarkstown",)),
        _zip("10001", "NY", "NEW YORK", not_ok=("",)),
    ]
    counties = [("NY", "Westchester County"), ("NY", "Westchester")]
    got = recognised_names(zips, counties)
    # a main city (New City) or accepted name (Bardonia) keeps its own ZIPs; a county keeps its
    # name; a name is kept once per ZIP; states are apart
    assert got == {"10956": ["Clarkstown"], "19104": ["Clarkstown"]}


def test_the_kept_names_are_folded_as_lookups_fold_them() -> None:
    zips = [_zip("12054", "NY", "DELMAR", not_ok=("Saint Bethlehem", "St. Bethlehem"))]
    assert recognised_names(zips, []) == {"12054": ["Saint Bethlehem"]}
