"""Regions people say, and compass words with a state, through the real locator.

Each row is written from the rules, not from what the code answers: a region's counties (its
data file's definition) decide its offices through the directory's territories; a region that
reaches several offices is `split`; a compass word with a state is that state's region as the
data defines it, else the whole state; a state's own name, or a real place's, is never a compass
region.
"""

from __future__ import annotations

import pytest

from fieldoffice.directory.context import Context
from fieldoffice.lookup.locate import Locator
from fieldoffice.lookup.named_areas import AREA_FILES, AreaIndex
from fieldoffice.lookup.wording import sentence

HQ = "washington-dc-headquarters"
TX = {"dallas", "houston", "san-antonio", "el-paso"}
CA = {"laguna-niguel", "san-diego", "san-francisco"}

# query -> (kind of location, status, responsible offices)
REGIONS = [
    # vernacular regions
    ("Twin Cities", "area", "matched", {"st-paul"}),
    ("Upper Peninsula", "area", "matched", {"detroit"}),
    ("the U.P.", "area", "matched", {"detroit"}),
    ("Lowcountry", "area", "matched", {"atlanta"}),
    ("Front Range", "area", "matched", {"denver"}),
    ("Wasatch Front", "area", "matched", {"denver"}),
    ("Treasure Valley", "area", "matched", {"seattle"}),  # Idaho and Malheur County, OR
    ("Coachella Valley", "area", "matched", {"laguna-niguel"}),
    ("Tidewater", "area", "uncovered", set()),  # Virginia outside Northern Virginia
    ("Northern Neck", "area", "uncovered", set()),
    ("Big Bend", "area", "matched", {"el-paso"}),
    ("Hill Country", "area", "matched", {"san-antonio"}),
    ("Finger Lakes", "area", "matched", {"detroit"}),
    ("Hudson Valley", "area", "split", {"new-york", "detroit"}),
    ("Southern Tier", "area", "matched", {"detroit"}),
    ("Catskills", "area", "split", {"new-york", "detroit"}),
    ("Cape Cod", "area", "matched", {"boston"}),
    ("Pine Barrens", "area", "matched", {"newark"}),
    ("Black Belt", "area", "matched", {"new-orleans"}),
    ("the Delta, MS", "area", "matched", {"new-orleans"}),
    ("Ozarks", "area", "split", {"st-paul", "new-orleans", "dallas"}),
    ("Palouse", "area", "matched", {"seattle"}),
    ("Olympic Peninsula", "area", "matched", {"seattle"}),
    ("Iron Range", "area", "matched", {"st-paul"}),
    ("Driftless", "area", "split", {"chicago", "st-paul"}),
    ("Piedmont Triad", "area", "matched", {"atlanta"}),
    ("the Panhandle, TX", "area", "matched", {"dallas"}),
    ("Texas Panhandle", "area", "matched", {"dallas"}),
    ("Oklahoma Panhandle", "area", "matched", {"dallas"}),
    ("Idaho Panhandle", "area", "matched", {"seattle"}),
    ("Nebraska Panhandle", "area", "matched", {"st-paul"}),
    ("Eastern Panhandle", "area", "matched", {"philadelphia"}),
    ("the Panhandle, FL", "area", "overlap", {"miami", "tampa"}),
    ("Eastern Shore, MD", "area", "matched", {HQ}),
    ("Eastern Shore, VA", "area", "uncovered", set()),
    ("Delmarva", "area", "split", {"philadelphia", HQ}),
    ("Black Hills", "area", "split", {"st-paul", "denver"}),
    ("Four Corners", "area", "split", {"denver", "el-paso", "phoenix"}),
    ("Permian Basin", "area", "split", {"el-paso", "dallas"}),
    ("Cache Valley", "area", "split", {"denver", "seattle"}),
    ("Lake Tahoe", "area", "matched", {"san-francisco"}),
    ("Jackson Purchase", "area", "matched", {"chicago"}),
    ("Acadiana", "area", "matched", {"new-orleans"}),
    ("Northeast Kingdom", "area", "matched", {"boston"}),
    ("South County, RI", "area", "matched", {"boston"}),
    ("Quiet Corner", "area", "matched", {"boston"}),
    ("Big Island", "area", "matched", {"laguna-niguel"}),
    ("Southeast Alaska", "area", "matched", {"seattle"}),
    ("Bakken", "area", "matched", {"st-paul"}),
    ("Texoma", "area", "matched", {"dallas"}),
    ("Space Coast", "area", "overlap", {"miami", "tampa"}),
    ("the Upstate, SC", "area", "matched", {"atlanta"}),
    ("Upstate", "area", "matched", {"detroit"}),  # bare, it stays the directory's Upstate New York
    ("Michiana", "area", "split", {"chicago", "detroit"}),
    ("National Capital Region", "area", "matched", {HQ}),  # DC, Maryland and Northern Virginia
    # metropolitan areas, official names and common ones
    ("Dallas-Fort Worth", "area", "matched", {"dallas"}),
    ("DFW", "area", "matched", {"dallas"}),
    ("Greater Boston", "area", "matched", {"boston"}),
    ("Bay Area", "area", "matched", {"san-francisco"}),
    ("Inland Empire", "area", "matched", {"laguna-niguel"}),
    (
        "Hampton Roads",
        "area",
        "split",
        {"atlanta"},
    ),  # three NC counties; the Virginia part uncovered
    ("Chicagoland", "area", "matched", {"chicago"}),  # Indiana and Kenosha, WI are Chicago's too
    ("Quad Cities", "area", "split", {"chicago", "st-paul"}),
    ("Chattanooga metro", "area", "split", {"new-orleans", "atlanta"}),
    ("Tri-Cities, TN", "area", "split", {"new-orleans"}),  # and uncovered Virginia
    ("Cincinnati metro", "area", "split", {"detroit", "chicago"}),
    ("Memphis metro", "area", "matched", {"new-orleans"}),
    ("Delaware Valley", "area", "split", {"philadelphia", "newark", HQ}),
    ("Tri-State Area", "area", "split", {"new-york", "newark"}),
    ("DMV", "area", "split", {HQ, "philadelphia"}),
    ("Minneapolis-St. Paul-Bloomington, MN-WI", "area", "split", {"st-paul", "chicago"}),
    ("RVA", "area", "uncovered", set()),
    ("Valley of the Sun", "area", "matched", {"phoenix"}),
    ("Kansas City metro", "area", "matched", {"st-paul"}),
    ("Omaha metro", "area", "matched", {"st-paul"}),
    ("Southern California", "area", "split", CA),
    # a metro's official one-city title is the city, not the metro
    ("Reno, NV", "place", "matched", {"san-francisco"}),
    ("Columbus, OH", "place", "matched", {"detroit"}),
    # compass word + state: defined where the data defines it
    ("Central Pennsylvania", "area", "matched", {"philadelphia"}),  # never Centralia, PA
    ("Central PA", "area", "matched", {"philadelphia"}),
    ("Western New York", "area", "matched", {"detroit"}),
    ("Western NY", "area", "matched", {"detroit"}),
    ("Western New York, NY", "area", "matched", {"detroit"}),
    ("North Florida", "area", "overlap", {"miami", "tampa"}),
    ("N. Florida", "area", "overlap", {"miami", "tampa"}),
    ("SW Florida", "area", "overlap", {"miami", "tampa"}),
    ("Southern Illinois", "area", "matched", {"chicago"}),
    ("East Texas", "area", "split", {"dallas", "houston"}),
    ("South Texas", "area", "matched", {"san-antonio"}),
    ("West Texas", "area", "matched", {"el-paso"}),
    ("Northern Nevada", "area", "matched", {"san-francisco"}),
    ("Southern Nevada", "area", "matched", {"laguna-niguel"}),
    ("Northern California", "area", "matched", {"san-francisco"}),
    ("Upper Michigan", "area", "matched", {"detroit"}),
    ("Lower Michigan", "area", "matched", {"detroit"}),
    ("West Tennessee", "area", "matched", {"new-orleans"}),
    ("Middle Tennessee", "area", "matched", {"new-orleans"}),
    ("Southwest Virginia", "area", "uncovered", set()),
    ("Northern Virginia", "area", "matched", {HQ}),
    ("Western Mass", "area", "matched", {"boston"}),
    ("Western Maryland", "area", "matched", {HQ}),
    # compass word + state, undefined: the whole state
    ("Eastern Washington", "area", "matched", {"seattle"}),
    ("Northeast Texas", "area", "split", TX),
    ("Central California", "area", "split", CA),
    ("Southern New York", "area", "split", {"new-york", "detroit"}),
    ("Eastern Virginia", "area", "split", {HQ}),  # Northern Virginia's counties, the rest uncovered
    ("Western Colorado", "area", "matched", {"denver"}),
    ("Mid Missouri", "area", "matched", {"st-paul"}),
    ("East Central Illinois", "area", "matched", {"chicago"}),
    ("Northern AZ", "area", "matched", {"phoenix"}),
    ("Lower Alabama", "area", "matched", {"new-orleans"}),
    # never a compass region: a state's own name, or a real place's
    ("West Virginia", "state", "matched", {"philadelphia"}),
    ("North Carolina", "state", "matched", {"atlanta"}),
    ("South Dakota", "state", "matched", {"st-paul"}),
    ("West New York", "place", None, {"newark"}),  # the town in Hudson County, NJ
    ("East Washington, PA", "place", "matched", {"philadelphia"}),
]


@pytest.mark.parametrize(("query", "kind", "status", "offices"), REGIONS)
def test_regions_people_say(
    locator: Locator, query: str, kind: str, status: str | None, offices: set[str]
) -> None:
    a = locator.locate(query)
    assert a.location is not None and a.location.kind == kind, sentence(a)
    if status is not None:
        assert a.status == status, sentence(a)
    assert {o.id for o in a.responsible} == offices, sentence(a)


def test_a_split_region_names_each_office_with_its_counties(locator: Locator) -> None:
    a = locator.locate("Permian Basin")
    by_office = {o.id: set(o.counties or ()) for o in a.offices}
    assert "48141" not in by_office["el-paso"]  # El Paso County is no part of the basin
    assert "48135" in by_office["el-paso"] and "48227" in by_office["dallas"]  # Ector; Howard
    assert set().union(*by_office.values()) <= {c.fips for c in a.counties}


def test_a_compass_region_without_counties_answers_for_the_whole_state(
    ctx: Context, locator: Locator
) -> None:
    a = locator.locate("Southern New York")
    assert {c.fips for c in a.counties} == {c.fips for c in ctx.gazetteer.state_counties("NY")}
    assert "all of New York" in sentence(a)


def test_a_compass_region_is_found_under_any_form_of_its_direction(ctx: Context) -> None:
    index = AreaIndex(ctx.gazetteer, ctx.regions)
    western = index.match("Western New York")
    assert western is not None and western.name == "Western New York"
    for typed in ("West New York State", "Western NY", "W New York", "western new york, NY"):
        assert index.match(typed) == western, typed
    assert index.match("Western New York, PA") is None  # another state's name after it
    assert index.match("Central Pennsylvania") == index.match("central pa")
    assert index.match("Mid Pennsylvania") == index.match("Central Pennsylvania")


def test_the_regions_cover_every_state_and_dc(ctx: Context) -> None:
    index = AreaIndex(ctx.gazetteer, ctx.regions)
    said = {a for a in index.by_key.values() if a.kind in ("metro", "vernacular")}
    assert len({a.name for a in said}) >= 150
    states = {ctx.gazetteer.county_by_fips[f].state for a in said for f in a.counties}
    fifty_and_dc = {s.usps for s in ctx.gazetteer.states if not s.territory}
    assert fifty_and_dc <= states, sorted(fifty_and_dc - states)


def test_every_region_has_a_source_and_a_confidence(ctx: Context) -> None:
    index = AreaIndex(ctx.gazetteer, ctx.regions)
    for area in {a for a in index.by_key.values() if a.kind in ("metro", "vernacular")}:
        assert area.source and area.confidence in ("low", "medium", "medium-high", "high"), area
        assert area.counties and area.state in area.states


def test_the_area_files_are_packaged() -> None:
    from importlib import resources

    for name in AREA_FILES:
        assert resources.files("fieldoffice.data").joinpath(name).is_file(), name
