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
    # the bare name is today's park (test_a_region_of_today_keeps_a_former_countys_name)
    ("Yellowstone National Park County", "matched", {"denver"}, {"Gallatin County", "Park County"}),
    ("Yellowstone National Park (part)", "matched", {"denver"}, {"Gallatin County", "Park County"}),
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


def test_a_region_of_today_keeps_a_former_countys_name(locator: Locator) -> None:
    """Yellowstone National Park was a Montana county-equivalent until 1997; today the name is the
    park, in three states and two offices' territories: the park answers, naming the old county."""
    a = locator.locate("Yellowstone National Park")
    assert a.location is not None and a.location.kind == "area", sentence(a)
    assert a.status == "split", sentence(a)
    by_office = {o.id: {c.name for c in a.counties if c.fips in (o.counties or ())} for o in a.offices}  # fmt: skip
    assert by_office == {"denver": {"Park County", "Teton County", "Gallatin County"},
                         "seattle": {"Fremont County"}}  # fmt: skip
    assert {c.fips for c in a.counties} == {"56029", "56039", "30031", "30067", "16043"}
    assert "former county-equivalent" in sentence(a) and "1997" in sentence(a)


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


FORMER_PARK = (
    '[[former]]\nname = "Old Park County"\nstate = "MT"\nyears = "until 1997"\n'
    'change = "was divided"\nsource = "test"\nbecame = ["Gallatin County", "Park County"]\n'
    'aliases = ["Old Park County-equivalent"]\n'
)
TODAYS_PARK = (
    '[[area]]\nname = "Old Park County"\nstate = "WY"\nkind = "vernacular"\n'
    'confidence = "high"\nsource = "the park today"\n[area.counties]\n'
    'WY = ["Park County"]\nID = ["Fremont County"]\n'
)


@pytest.mark.parametrize("former_first", [True, False])
def test_todays_region_wins_a_shared_name_in_either_file_order(
    ctx: Context, tmp_path: Path, former_first: bool
) -> None:
    former = _write(tmp_path / "former.toml", FORMER_PARK)
    today = _write(tmp_path / "today.toml", TODAYS_PARK)
    paths = [former, today] if former_first else [today, former]
    tables = load_tables(ctx.gazetteer, ctx.regions, paths)
    park = tables.by_key["old park county"]
    assert park.kind == "vernacular" and park.states == ("WY", "ID")
    assert tables.by_state_key["WY", "old park county"] == park
    assert park.source.startswith("the park today") and "was divided" in park.source
    old = tables.by_key["old park county equivalent"]  # the former, by its other name
    assert old.kind == "former" and old.state == "MT"
    assert tables.by_state_key["MT", "old park county"] == old  # where today's region is not
