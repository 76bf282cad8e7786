"""Named areas are places: the directory's region phrases, their variants and everyday names."""

from __future__ import annotations

from pathlib import Path

import pytest

from fieldoffice.core.errors import DataError
from fieldoffice.directory.context import Context
from fieldoffice.lookup.locate import Locator
from fieldoffice.lookup.named_areas import AreaIndex, load_areas, load_tables
from fieldoffice.lookup.wording import sentence

# query -> (status, responsible offices)
AREAS = [
    ("West Texas", "matched", {"el-paso"}),  # not the town of West, TX (San Antonio)
    ("west texas, TX", "matched", {"el-paso"}),
    ("North Texas", "matched", {"dallas"}),
    ("South Texas", "matched", {"san-antonio"}),
    ("Rio Grande Valley", "matched", {"san-antonio"}),
    ("RGV", "matched", {"san-antonio"}),
    ("Northern Virginia", "matched", {"washington-dc-headquarters"}),
    ("NoVA", "matched", {"washington-dc-headquarters"}),
    ("Northern Virginia, Virginia", "matched", {"washington-dc-headquarters"}),
    ("Southern Nevada", "matched", {"laguna-niguel"}),
    ("Northern Nevada", "matched", {"san-francisco"}),
    ("Upstate New York", "matched", {"detroit"}),  # "Michigan, Ohio, Upstate New York/Buffalo"
    ("Long Island", "matched", {"new-york"}),
    ("NYC", "matched", {"new-york"}),
    ("The Bronx, NY", "matched", {"new-york"}),
    ("Brooklyn", "matched", {"new-york"}),
    ("Miami-Dade", "overlap", {"miami", "tampa"}),
    ("Bay Area", "matched", {"san-francisco"}),
    ("USVI", "uncovered", set()),
    ("NOLA", "matched", {"new-orleans"}),
    ("Philly", "matched", {"philadelphia"}),
    ("Vegas", "matched", {"laguna-niguel"}),
    ("LA, CA", "matched", {"laguna-niguel"}),
    ("SF", "matched", {"san-francisco"}),
    ("DFW", "matched", {"dallas"}),
    # names that changed
    ("Hartford County, CT", "matched", {"boston"}),
    ("Fairfield County, Connecticut", "matched", {"boston"}),
    ("Wade Hampton Census Area, AK", "matched", {"seattle"}),
    ("Valdez-Cordova, AK", "matched", {"seattle"}),
    ("Shannon County, SD", "matched", {"st-paul"}),
    ("Bedford city, VA", "uncovered", set()),
]


@pytest.mark.parametrize(("query", "status", "offices"), AREAS)
def test_named_areas_answer_their_offices(
    locator: Locator, query: str, status: str, offices: set[str]
) -> None:
    a = locator.locate(query)
    assert a.location is not None and a.location.kind == "area", sentence(a)
    assert (a.status, {o.id for o in a.responsible}) == (status, offices), sentence(a)


def test_the_town_of_the_same_words_is_offered(locator: Locator) -> None:
    a = locator.locate("West Texas")
    assert "West, TX" in a.suggestions and "West, TX" in sentence(a)


def test_a_city_that_is_no_area_is_still_a_city(locator: Locator) -> None:
    a = locator.locate("Reno, NV")
    assert a.location is not None and a.location.kind == "place"


def test_every_region_is_typeable_by_its_own_name(ctx: Context, locator: Locator) -> None:
    for region in ctx.regions.values():
        a = locator.locate(region.name)
        assert a.location is not None and a.location.kind == "area", region.name
        assert {c.fips for c in a.counties} == set(region.counties)


def test_an_area_with_an_unknown_county_is_an_error_that_names_it(
    ctx: Context, tmp_path: Path
) -> None:
    bad = tmp_path / "areas.toml"
    bad.write_text('[[area]]\nname = "X"\nstate = "NV"\ncounties = ["Nowhere County"]\n'
                   'confidence = "high"\nsource = "test"\n')  # fmt: skip
    with pytest.raises(DataError, match="Nowhere County"):
        load_areas(ctx.gazetteer, ctx.regions, bad)


def test_aliases_reach_the_same_area(ctx: Context) -> None:
    index = AreaIndex(ctx.gazetteer, ctx.regions)
    assert index.match("NoVA") == index.match("Northern Virginia")
    assert index.match("Long Island, New York") == index.match("long island")
    assert index.match("Springfield") is None


def test_an_old_connecticut_county_says_it_spans_planning_regions(locator: Locator) -> None:
    a = locator.locate("Hartford County, CT")
    assert {c.name for c in a.counties} == {
        "Capitol Planning Region",
        "Naugatuck Valley Planning Region",
    }
    assert "Capitol and" in sentence(a) and "planning regions" in sentence(a)


def test_a_retired_name_answers_with_its_successor(locator: Locator) -> None:
    a = locator.locate("Valdez-Cordova, AK")
    assert {c.name for c in a.counties} == {"Chugach Census Area", "Copper River Census Area"}


def test_a_state_code_is_never_shadowed_by_a_nickname(locator: Locator) -> None:
    a = locator.locate("LA")  # Louisiana, not Los Angeles
    assert a.location is not None and a.location.kind == "state" and a.location.state == "LA"


def test_a_region_in_several_states_checks_each_states_counties(
    ctx: Context, tmp_path: Path
) -> None:
    bad = tmp_path / "areas.toml"
    bad.write_text('[[area]]\nname = "X"\nstate = "MN"\nconfidence = "high"\nsource = "test"\n'
                   '[area.counties]\nMN = ["Hennepin County"]\nWI = ["Hennepin County"]\n')  # fmt: skip
    with pytest.raises(DataError, match="'Hennepin County' is not a county of 'WI'"):
        load_areas(ctx.gazetteer, ctx.regions, bad)
    bad.write_text('[[area]]\nname = "X"\nstate = "MN"\nconfidence = "high"\nsource = "test"\n'
                   '[area.counties]\nMN = ["Hennepin County"]\nZZ = ["Polk County"]\n')  # fmt: skip
    with pytest.raises(DataError, match="'ZZ' is not a state"):
        load_areas(ctx.gazetteer, ctx.regions, bad)


def test_a_state_alias_needs_its_state(ctx: Context) -> None:
    index = AreaIndex(ctx.gazetteer, ctx.regions)
    assert index.match("the Panhandle") is None
    texas, florida = index.match("the Panhandle, TX"), index.match("the Panhandle, Florida")
    assert texas is not None and texas.name == "Texas Panhandle"
    assert florida is not None and florida.name == "Florida Panhandle"


def test_a_state_name_is_never_a_compass_region(ctx: Context) -> None:
    index = AreaIndex(ctx.gazetteer, ctx.regions)
    for state in ("West Virginia", "North Carolina", "South Carolina", "North Dakota", "South Dakota"):  # fmt: skip
        assert index.compass(state) is None, state
    assert index.compass("Western North Carolina") == index.match("WNC")
    assert index.compass("Eastern North Dakota") is not None


def test_the_packaged_areas_come_from_their_snapshot(ctx: Context) -> None:
    first = AreaIndex(ctx.gazetteer, ctx.regions)
    again = AreaIndex(ctx.gazetteer, ctx.regions)
    assert again.by_key == first.by_key and again.by_state_key == first.by_state_key


@pytest.mark.parametrize(
    ("query", "most"),
    [("Central Pennsylvania", "low"), ("Hampton Roads", "medium")],
)
def test_an_area_is_never_more_certain_than_its_edge(
    locator: Locator, query: str, most: str
) -> None:
    from fieldoffice.core.models import CONFIDENCE_RANK

    a = locator.locate(query)
    assert a.confidence is None or CONFIDENCE_RANK[a.confidence] <= CONFIDENCE_RANK[most]


def test_a_former_name_offers_the_counties_that_still_bear_it(locator: Locator) -> None:
    a = locator.locate("Dade County")  # Miami-Dade since 1997; Dade County, GA and MO still are
    assert {"Dade County, GA", "Dade County, MO"} <= {x.name for x in a.alternatives}
    assert a.confidence != "high"


def test_a_town_typed_with_its_state_is_the_town_not_the_area(locator: Locator) -> None:
    a = locator.locate("West, TX")  # a town in McLennan County, not the directory's West Texas
    assert a.location is not None and a.location.name == "West, TX"
    assert [c.fips for c in a.counties] == ["48309"]
    assert locator.locate("West Texas").location.name == "West Texas"  # type: ignore[union-attr]


def test_a_shared_name_near_a_line_is_not_the_same_answer(locator: Locator) -> None:
    """Matamoras, PA: Dauphin County (2,603) and Pike County (2,383), whose point is across the
    Delaware from New York: not 3x apart, and not the same answer, so ambiguous (never high)."""
    a = locator.locate("Matamoras, PA")
    assert a.status == "ambiguous"
    assert [x.population for x in a.alternatives] == [2603, 2383]


def _area(name: str, state: str, counties: str, extra: str = "") -> str:
    return (f'[[area]]\nname = "{name}"\nstate = "{state}"\nkind = "vernacular"\n'
            f'confidence = "low"\nsource = "test"\n{extra}counties = [{counties}]\n')  # fmt: skip


def test_two_areas_never_share_a_name(ctx: Context, tmp_path: Path) -> None:
    """A name (or alias) two entries give is an error naming both, in one file or across files,
    never a silent first-one-wins."""
    one = tmp_path / "one.toml"
    one.write_text(_area("Twin Ports", "MN", '"St. Louis County"', 'aliases = ["Duluth area"]\n'))
    two = tmp_path / "two.toml"
    two.write_text(_area("Duluth Area", "MN", '"Carlton County"'))
    with pytest.raises(DataError, match=r"'Duluth Area' is already .*one\.toml.*Twin Ports"):
        load_tables(ctx.gazetteer, ctx.regions, [one, two])
    one.write_text(one.read_text() + _area("Duluth-Superior", "MN", '"Carlton County"',
                                           'aliases = ["the Twin Ports"]\n'))  # fmt: skip
    with pytest.raises(DataError, match="'the Twin Ports' is already"):
        load_tables(ctx.gazetteer, ctx.regions, one)


def test_with_its_state_a_name_means_the_area_of_fewer_states(ctx: Context, tmp_path: Path) -> None:
    """ "Eastern Shore, MD" is Maryland's shore, not the whole Delmarva's; two areas of the same
    reach giving one name in a state is an error."""
    f = tmp_path / "areas.toml"
    wide = ('[[area]]\nname = "Shore"\nstate = "MD"\nkind = "vernacular"\nconfidence = "low"\n'
            'source = "test"\n[area.counties]\nMD = ["Worcester County"]\nVA = ["Accomack County"]\n')  # fmt: skip
    narrow = _area("Maryland Shore", "MD", '"Worcester County", "Somerset County"',
                   'state_aliases = ["Shore"]\n')  # fmt: skip
    f.write_text(wide + narrow)
    tables = load_tables(ctx.gazetteer, ctx.regions, f)
    assert tables.by_key["shore"].name == "Shore"
    assert tables.by_state_key["MD", "shore"].name == "Maryland Shore"
    assert tables.by_state_key["VA", "shore"].name == "Shore"
    f.write_text(narrow + _area("Other Shore", "MD", '"Somerset County"', 'state_aliases = ["Shore"]\n'))  # fmt: skip
    with pytest.raises(DataError, match="'Shore' in MD is already"):
        load_tables(ctx.gazetteer, ctx.regions, f)


@pytest.mark.parametrize(
    ("typed", "name"),
    [
        ("the Golden Crescent", "Golden Crescent"),
        ("Golden Crescent region", "Golden Crescent"),
        ("the Trans Pecos region", "Trans-Pecos"),
        ("Lake Mead area", "Lake Mead National Recreation Area"),
        ("the Bay Area region", "San Francisco Bay Area"),
        ("Kansas City area", "Kansas City, MO-KS"),  # the metro holds the city of the name
        ("Twin Ports area", "Duluth, MN-WI"),
        ("Golden Crescent region, TX", "Golden Crescent"),
        ("the Winter Garden, TX", "Winter Garden Region"),
    ],
)
def test_the_words_people_put_around_a_name(ctx: Context, typed: str, name: str) -> None:
    index = AreaIndex(ctx.gazetteer, ctx.regions)
    area = index.match(typed)
    assert area is not None and area.name == name, typed


@pytest.mark.parametrize(
    "typed",
    [
        "Bay",  # never the Bay Area: a bare name is only what it says
        "Winter Garden area",  # Winter Garden is a Florida city, not the Texas region's core
        "Winter Garden",
        "Springfield area",
        "Golden Crescent region, FL",  # the region is in Texas
    ],
)
def test_the_words_around_a_name_never_make_another_place_an_area(ctx: Context, typed: str) -> None:
    assert AreaIndex(ctx.gazetteer, ctx.regions).match(typed) is None, typed
