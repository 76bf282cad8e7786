"""Former county names (Census Bureau, Substantial Changes to Counties and County Equivalent
Entities: 1970-Present): an old name answers for today's county or counties, saying what became of
it; an old name another state still uses answers only with its state."""

from __future__ import annotations

from pathlib import Path

import pytest

from fieldoffice.core.errors import DataError
from fieldoffice.directory.context import Context
from fieldoffice.lookup.locate import Locator
from fieldoffice.lookup.named_areas import AreaIndex, load_tables
from fieldoffice.lookup.wording import sentence

# query -> (status, responsible offices, today's county names)
FORMER = [
    ("Nansemond County, VA", "uncovered", set(), {"Suffolk city"}),
    ("Nansemond County", "uncovered", set(), {"Suffolk city"}),
    ("Nansemond city, Virginia", "uncovered", set(), {"Suffolk city"}),
    ("Armstrong County, SD", "matched", {"st-paul"}, {"Dewey County"}),
    ("Washabaugh County, SD", "matched", {"st-paul"}, {"Jackson County"}),
    ("Shannon County, SD", "matched", {"st-paul"}, {"Oglala Lakota County"}),
    ("Shannon County, South Dakota", "matched", {"st-paul"}, {"Oglala Lakota County"}),
    ("Dade County", "overlap", {"miami", "tampa"}, {"Miami-Dade County"}),
    ("Dade County, FL", "overlap", {"miami", "tampa"}, {"Miami-Dade County"}),
    ("South Boston city, VA", "uncovered", set(), {"Halifax County"}),
    ("Clifton Forge city, VA", "uncovered", set(), {"Alleghany County"}),
    ("Bedford city, VA", "uncovered", set(), {"Bedford County"}),
    ("Yellowstone National Park", "matched", {"denver"}, {"Gallatin County", "Park County"}),
    ("Wade Hampton Census Area, AK", "matched", {"seattle"}, {"Kusilvak Census Area"}),
    (
        "Valdez-Cordova, AK",
        "matched",
        {"seattle"},
        {"Chugach Census Area", "Copper River Census Area"},
    ),
    (
        "Skagway-Hoonah-Angoon Census Area",
        "matched",
        {"seattle"},
        {"Skagway Municipality", "Hoonah-Angoon Census Area"},
    ),
    (
        "Wrangell-Petersburg Census Area",
        "matched",
        {"seattle"},
        {"Wrangell City and Borough", "Petersburg Census Area"},
    ),
    (
        "Prince of Wales-Outer Ketchikan",
        "matched",
        {"seattle"},
        {
            "Prince of Wales-Hyder Census Area",
            "Ketchikan Gateway Borough",
            "Wrangell City and Borough",
        },
    ),
    (
        "Aleutian Islands Census Area",
        "matched",
        {"seattle"},
        {"Aleutians East Borough", "Aleutians West Census Area"},
    ),
    ("Kobuk Census Area", "matched", {"seattle"}, {"Northwest Arctic Borough"}),
    (
        "Hartford County, CT",
        "matched",
        {"boston"},
        {"Capitol Planning Region", "Naugatuck Valley Planning Region"},
    ),
    (
        "Tolland County",
        "matched",
        {"boston"},
        {"Capitol Planning Region", "Northeastern Connecticut Planning Region"},
    ),
    (
        "Middlesex County, CT",
        "matched",
        {"boston"},
        {"Lower Connecticut River Valley Planning Region"},
    ),
    ("Ormsby County", "matched", {"san-francisco"}, {"Carson City"}),
    ("Princess Anne County", "uncovered", set(), {"Virginia Beach city"}),
    ("Milton County, GA", "matched", {"atlanta"}, {"Fulton County"}),
]


@pytest.mark.parametrize(("query", "status", "offices", "today"), FORMER)
def test_a_former_name_answers_for_todays_counties(
    locator: Locator, query: str, status: str, offices: set[str], today: set[str]
) -> None:
    a = locator.locate(query)
    assert a.location is not None and a.location.kind == "area", sentence(a)
    assert (a.status, {o.id for o in a.responsible}) == (status, offices), sentence(a)
    assert {c.name for c in a.counties} == today, sentence(a)


# an old name that is still a county's name in another state is that county, bare or with its state
STILL_A_COUNTY = [
    ("Armstrong County", "PA"),  # the largest today's Armstrong County; never South Dakota's
    ("Armstrong County, TX", "TX"),
    ("Shannon County", "MO"),
    ("Shannon County, MO", "MO"),
    ("Dade County, GA", "GA"),
    ("Fairfield County, OH", "OH"),
    ("Middlesex County, NJ", "NJ"),
    ("Norfolk County, MA", "MA"),
]


@pytest.mark.parametrize(("query", "state"), STILL_A_COUNTY)
def test_a_name_still_in_use_is_todays_county(locator: Locator, query: str, state: str) -> None:
    a = locator.locate(query)
    assert a.location is not None and a.location.kind == "county", sentence(a)
    assert a.location.state == state


@pytest.mark.parametrize(
    ("query", "says"),
    [
        ("Nansemond County, VA", "consolidated with Suffolk"),
        ("Dade County", "was renamed Miami-Dade County"),
        ("Armstrong County, SD", "merged into Dewey County"),
        ("Shannon County, SD", "was renamed Oglala Lakota County"),
        ("Clifton Forge city, VA", "became a town in Alleghany County"),
        ("Valdez-Cordova, AK", "was divided in 2019"),
        ("Hartford County, CT", "Capitol and"),
    ],
)
def test_the_reason_says_what_became_of_it(locator: Locator, query: str, says: str) -> None:
    text = sentence(locator.locate(query))
    assert says in text and "Census Bureau" in text, text


def test_a_former_county_with_an_unknown_successor_is_an_error_that_names_it(
    ctx: Context, tmp_path: Path
) -> None:
    bad = tmp_path / "former.toml"
    bad.write_text('[[former]]\nname = "Old County"\nstate = "SD"\nyears = "until 1979"\n'
                   'change = "merged"\nsource = "test"\nbecame = ["Nowhere County"]\n')  # fmt: skip
    with pytest.raises(DataError, match="Nowhere County"):
        load_tables(ctx.gazetteer, ctx.regions, bad)


def test_a_former_county_needs_its_years_and_source(ctx: Context, tmp_path: Path) -> None:
    bad = tmp_path / "former.toml"
    bad.write_text('[[former]]\nname = "Old County"\nstate = "SD"\nbecame = ["Dewey County"]\n'
                   'change = "merged"\nsource = "test"\n')  # fmt: skip
    with pytest.raises(DataError, match="years"):
        load_tables(ctx.gazetteer, ctx.regions, bad)


def test_the_former_list_has_the_census_changes(ctx: Context) -> None:
    index = AreaIndex(ctx.gazetteer, ctx.regions)
    formers = {a for a in (*index.by_key.values(), *index.by_state_key.values()) if a.kind == "former"}  # fmt: skip
    assert len(formers) >= 30
    names = {a.name.partition(",")[0] for a in formers}
    for must in ("Nansemond County", "Armstrong County", "South Boston city", "Clifton Forge city",
                 "Bedford city", "Yellowstone National Park", "Dade County", "Shannon County",
                 "Wade Hampton Census Area", "Skagway-Hoonah-Angoon Census Area",
                 "Wrangell-Petersburg Census Area", "Prince of Wales-Outer Ketchikan Census Area",
                 "Valdez-Cordova Census Area", "Washabaugh County", "Hartford County"):  # fmt: skip
        assert must in names, must
