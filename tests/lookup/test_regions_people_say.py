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
    assert len({a.name for a in said}) >= 450
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


HOU, SA, EP, DAL = "houston", "san-antonio", "el-paso", "dallas"
SF, LN, SD = "san-francisco", "laguna-niguel", "san-diego"
FL = {"miami", "tampa"}

# More regions people say, and the forms people type them in ("the", a hyphen or a space, a
# "Region" or "Area" after it): query -> (status, responsible offices, the area's own name).
# Each is the region's counties through the directory's territories: Texas, California, New York,
# Virginia and Nevada are split inside; a region over a state line reaches the offices of each.
MORE_REGIONS = [
    # Texas
    ("Golden Crescent", "split", {HOU, SA}, "Golden Crescent"),  # Gonzales County is San Antonio's
    ("the Golden Crescent Region", "split", {HOU, SA}, "Golden Crescent"),
    ("Trans-Pecos", "matched", {EP}, "Trans-Pecos"),
    ("Trans Pecos", "matched", {EP}, "Trans-Pecos"),
    ("the Trans-Pecos region", "matched", {EP}, "Trans-Pecos"),
    ("Far West Texas", "matched", {EP}, "Far West Texas"),
    ("Padre Island", "split", {HOU, SA}, "Padre Island"),
    ("Padre Island National Seashore", "split", {HOU, SA}, "Padre Island National Seashore"),
    ("Texas Gulf Coast", "split", {HOU, SA}, "Texas Gulf Coast"),
    ("Big Thicket", "matched", {HOU}, "Big Thicket"),
    ("South Plains", "matched", {DAL}, "South Plains"),
    ("Heart of Texas", "matched", {SA}, "Heart of Texas"),
    ("Winter Garden, TX", "matched", {SA}, "Winter Garden Region"),
    ("Big Bend National Park", "matched", {EP}, "Big Bend National Park"),
    ("Guadalupe Mountains National Park", "matched", {EP}, "Guadalupe Mountains National Park"),
    ("Toledo Bend", "split", {HOU, "new-orleans"}, "Toledo Bend"),
    ("Llano Estacado", "split", {DAL, EP}, "Llano Estacado"),  # Midland, Ector: El Paso's
    ("Staked Plains", "split", {DAL, EP}, "Llano Estacado"),
    ("Big Bend Region", "matched", {EP}, "Big Bend"),  # bare, "Big Bend" is Texas's
    ("Permian", "split", {EP, DAL}, "Permian Basin"),
    ("Texarkana area", "split", {DAL, "new-orleans"}, "Texarkana, TX-AR"),
    ("Amarillo metro", "matched", {DAL}, "Amarillo, TX"),
    ("Killeen-Temple", "matched", {SA}, "Killeen-Temple, TX"),
    ("Brownsville-Harlingen", "matched", {SA}, "Brownsville-Harlingen, TX"),
    ("Sherman-Denison", "matched", {DAL}, "Sherman-Denison, TX"),
    ("Wichita Falls metro", "matched", {DAL}, "Wichita Falls, TX"),
    ("Laredo metro", "matched", {SA}, "Laredo, TX"),
    # California and Nevada
    ("Salton Sea", "split", {SD, LN}, "Salton Sea"),
    ("Death Valley National Park", "split", {SF, LN}, "Death Valley National Park"),
    ("Yosemite", "matched", {SF}, "Yosemite National Park"),
    ("Joshua Tree National Park", "matched", {LN}, "Joshua Tree National Park"),
    ("Sequoia National Park", "matched", {SF}, "Sequoia and Kings Canyon National Parks"),
    ("Redwood National Park", "matched", {SF}, "Redwood National and State Parks"),
    ("Channel Islands National Park", "matched", {LN}, "Channel Islands National Park"),
    ("Santa Monica Mountains", "matched", {LN}, "Santa Monica Mountains"),
    ("San Fernando Valley", "matched", {LN}, "San Fernando Valley"),
    ("SGV", "matched", {LN}, "San Gabriel Valley"),
    ("Monterey Bay", "matched", {SF}, "Monterey Bay Area"),
    ("the Delta, CA", "matched", {SF}, "Sacramento-San Joaquin Delta"),
    ("Tri-Valley, CA", "matched", {SF}, "Tri-Valley, California"),
    ("the Peninsula, CA", "matched", {SF}, "San Francisco Peninsula"),
    ("Catalina Island", "matched", {LN}, "Catalina Island"),
    ("Mojave Desert", "split", {SF, LN, "phoenix"}, "Mojave Desert"),
    ("Lost Coast", "matched", {SF}, "Lost Coast"),
    ("North Coast, CA", "matched", {SF}, "North Coast, California"),
    ("Tahoe Basin", "matched", {SF}, "Lake Tahoe"),
    ("Oxnard-Thousand Oaks-Ventura, CA", "matched", {LN}, "Oxnard-Thousand Oaks-Ventura, CA"),
    ("Stockton-Lodi", "matched", {SF}, "Stockton-Lodi, CA"),
    ("Santa Rosa-Petaluma", "matched", {SF}, "Santa Rosa-Petaluma, CA"),
    ("Klamath Basin", "split", {SF, "seattle"}, "Klamath Basin"),
    ("State of Jefferson", "split", {SF, "seattle"}, "State of Jefferson"),
    ("Lake Mead", "split", {LN, "phoenix"}, "Lake Mead National Recreation Area"),
    (
        "Lake Mead National Recreation Area",
        "split",
        {LN, "phoenix"},
        "Lake Mead National Recreation Area",
    ),
    ("Great Basin National Park", "matched", {SF}, "Great Basin National Park"),
    ("Carson Valley", "matched", {SF}, "Carson Valley"),
    ("the cow counties", "split", {SF, LN}, "Cow Counties"),
    ("Black Rock Desert", "matched", {SF}, "Black Rock Desert"),
    # Arizona, New Mexico, Utah, Colorado
    ("the Grand Canyon", "matched", {"phoenix"}, "Grand Canyon National Park"),
    ("Arizona Strip", "matched", {"phoenix"}, "Arizona Strip"),
    ("Lake Powell", "split", {"phoenix", "denver"}, "Glen Canyon National Recreation Area"),
    ("Petrified Forest", "matched", {"phoenix"}, "Petrified Forest National Park"),
    ("Navajo Nation", "split", {"phoenix", EP, "denver"}, "Navajo Nation"),
    ("East Valley, AZ", "matched", {"phoenix"}, "East Valley, Arizona"),
    ("West Valley, Arizona", "matched", {"phoenix"}, "West Valley, Arizona"),
    ("Rim Country", "matched", {"phoenix"}, "Rim Country"),
    ("Quad Cities, AZ", "matched", {"phoenix"}, "Prescott Valley-Prescott, AZ"),
    ("Lake Havasu City-Kingman, AZ", "matched", {"phoenix"}, "Lake Havasu City-Kingman, AZ"),
    ("Enchanted Circle", "matched", {EP}, "Enchanted Circle"),
    ("Mesilla Valley", "matched", {EP}, "Mesilla Valley"),
    ("Little Texas, NM", "matched", {EP}, "Little Texas, New Mexico"),
    ("White Sands National Park", "matched", {EP}, "White Sands National Park"),
    ("Carlsbad Caverns", "matched", {EP}, "Carlsbad Caverns National Park"),
    ("the Bootheel, NM", "matched", {EP}, "Bootheel, New Mexico"),
    ("Color Country", "matched", {"denver"}, "Color Country"),
    ("Zion National Park", "matched", {"denver"}, "Zion National Park"),
    ("Bryce Canyon National Park", "matched", {"denver"}, "Bryce Canyon National Park"),
    ("Arches National Park", "matched", {"denver"}, "Arches National Park"),
    ("Wasatch Back", "matched", {"denver"}, "Wasatch Back"),
    ("Flaming Gorge", "matched", {"denver"}, "Flaming Gorge National Recreation Area"),
    ("Bear Lake Valley", "split", {"denver", "seattle"}, "Bear Lake Valley"),
    ("Roaring Fork Valley", "matched", {"denver"}, "Roaring Fork Valley"),
    ("NoCo", "matched", {"denver"}, "Northern Colorado"),
    ("the Grand Valley, CO", "matched", {"denver"}, "Grand Valley of Colorado"),
    ("Lower Arkansas Valley", "matched", {"denver"}, "Lower Arkansas Valley"),
    ("Eastern Plains, CO", "matched", {"denver"}, "Eastern Plains of Colorado"),
    ("Rocky Mountain National Park", "matched", {"denver"}, "Rocky Mountain National Park"),
    ("Mesa Verde National Park", "matched", {"denver"}, "Mesa Verde National Park"),
    ("Great Sand Dunes", "matched", {"denver"}, "Great Sand Dunes National Park"),
    # Wyoming, Montana, Idaho
    ("Yellowstone National Park", "split", {"denver", "seattle"}, "Yellowstone National Park"),
    ("Yellowstone Park", "split", {"denver", "seattle"}, "Yellowstone National Park"),
    ("Grand Teton National Park", "matched", {"denver"}, "Grand Teton National Park"),
    ("Wind River Reservation", "matched", {"denver"}, "Wind River Reservation"),
    ("Star Valley, WY", "matched", {"denver"}, "Star Valley, Wyoming"),
    ("Glacier National Park", "matched", {"denver"}, "Glacier National Park"),
    ("Paradise Valley, MT", "matched", {"denver"}, "Paradise Valley, Montana"),
    ("Golden Triangle, MT", "matched", {"denver"}, "Golden Triangle, Montana"),
    ("Wood River Valley", "matched", {"seattle"}, "Wood River Valley"),
    ("Silver Valley, ID", "matched", {"seattle"}, "Silver Valley, Idaho"),
    ("Lewis-Clark Valley", "matched", {"seattle"}, "Lewis-Clark Valley"),
    ("Upper Valley, ID", "matched", {"seattle"}, "Upper Snake River Valley"),
    ("Teton Valley", "matched", {"seattle"}, "Teton Valley"),
    # Washington, Oregon, Alaska, Hawaii
    ("Kitsap Peninsula", "matched", {"seattle"}, "Kitsap Peninsula"),
    ("Skagit Valley", "matched", {"seattle"}, "Skagit Valley"),
    ("Wenatchee Valley", "matched", {"seattle"}, "Wenatchee Valley"),
    ("Methow Valley", "matched", {"seattle"}, "Methow Valley"),
    ("Whidbey Island", "matched", {"seattle"}, "Whidbey Island"),
    ("Long Beach Peninsula", "matched", {"seattle"}, "Long Beach Peninsula"),
    ("the Eastside, WA", "matched", {"seattle"}, "Eastside, Washington"),
    ("Walla Walla Valley", "matched", {"seattle"}, "Walla Walla Valley"),
    ("Mount Rainier National Park", "matched", {"seattle"}, "Mount Rainier National Park"),
    ("Olympic National Park", "matched", {"seattle"}, "Olympic National Park"),
    ("North Cascades", "matched", {"seattle"}, "North Cascades"),
    ("Mid-Willamette Valley", "matched", {"seattle"}, "Mid-Willamette Valley"),
    ("Mid-Columbia", "matched", {"seattle"}, "Mid-Columbia"),
    ("Crater Lake National Park", "matched", {"seattle"}, "Crater Lake National Park"),
    ("North Coast, OR", "matched", {"seattle"}, "North Coast, Oregon"),
    ("Eugene-Springfield", "matched", {"seattle"}, "Eugene-Springfield, OR"),
    ("Pacific Northwest", "matched", {"seattle"}, "Pacific Northwest"),
    ("PNW", "matched", {"seattle"}, "Pacific Northwest"),
    ("Kenai Peninsula", "matched", {"seattle"}, "Kenai Peninsula"),
    ("North Slope", "matched", {"seattle"}, "North Slope"),
    ("Bristol Bay, AK", "matched", {"seattle"}, "Bristol Bay region"),
    ("Denali National Park", "matched", {"seattle"}, "Denali National Park"),
    ("North Shore, HI", "matched", {LN}, "North Shore, Oahu"),
    ("Hawaii Volcanoes National Park", "matched", {LN}, "Hawaii Volcanoes National Park"),
    ("Maui", "matched", {LN}, "Maui Nui"),
    ("Kona Coast", "matched", {LN}, "Kona Coast"),
    # the Plains and the Upper Midwest
    (
        "Theodore Roosevelt National Park",
        "matched",
        {"st-paul"},
        "Theodore Roosevelt National Park",
    ),
    ("Badlands, SD", "matched", {"st-paul"}, "Badlands National Park"),
    ("Pine Ridge Reservation", "matched", {"st-paul"}, "Pine Ridge Reservation"),
    ("Tri-Cities, NE", "matched", {"st-paul"}, "Tri-Cities, Nebraska"),
    ("Pine Ridge, Nebraska", "matched", {"st-paul"}, "Pine Ridge, Nebraska"),
    ("The Dakotas", "matched", {"st-paul"}, "The Dakotas"),
    ("Bismarck-Mandan", "matched", {"st-paul"}, "Bismarck, ND"),
    ("Grand Forks, ND-MN", "matched", {"st-paul"}, "Grand Forks, ND-MN"),
    ("Creative Corridor", "matched", {"st-paul"}, "Cedar Rapids-Iowa City Corridor"),
    ("Waterloo-Cedar Falls", "matched", {"st-paul"}, "Cedar Valley region"),
    ("Loess Hills", "matched", {"st-paul"}, "Loess Hills"),
    ("Iowa Great Lakes", "matched", {"st-paul"}, "Iowa Great Lakes"),
    ("SEK", "matched", {"st-paul"}, "Southeast Kansas"),
    ("Southeast Kansas", "matched", {"st-paul"}, "Southeast Kansas"),  # defined: not all of Kansas
    ("Southwest Kansas", "matched", {"st-paul"}, "Southwest Kansas"),
    ("St. Joseph, MO-KS", "matched", {"st-paul"}, "St. Joseph, MO-KS"),
    ("Little Dixie, MO", "matched", {"st-paul"}, "Little Dixie, Missouri"),
    ("Lead Belt", "matched", {"st-paul"}, "Lead Belt"),
    ("Cape Girardeau, MO-IL", "split", {"st-paul", "chicago"}, "Cape Girardeau, MO-IL"),
    ("Brainerd Lakes Area", "matched", {"st-paul"}, "Brainerd Lakes"),
    ("Boundary Waters", "matched", {"st-paul"}, "Boundary Waters"),
    ("BWCA", "matched", {"st-paul"}, "Boundary Waters"),
    ("Voyageurs National Park", "matched", {"st-paul"}, "Voyageurs National Park"),
    ("Bluff Country", "matched", {"st-paul"}, "Bluff Country"),
    ("Twin Ports", "split", {"st-paul", "chicago"}, "Duluth, MN-WI"),
    ("Duluth-Superior", "split", {"st-paul", "chicago"}, "Duluth, MN-WI"),
    ("La Crosse-Onalaska, WI-MN", "split", {"chicago", "st-paul"}, "La Crosse-Onalaska, WI-MN"),
    ("Apostle Islands", "matched", {"chicago"}, "Apostle Islands"),
    ("Chippewa Valley", "matched", {"chicago"}, "Chippewa Valley"),
    ("Southeastern Wisconsin", "matched", {"chicago"}, "Southeastern Wisconsin"),
    ("SE Wisconsin", "matched", {"chicago"}, "Southeastern Wisconsin"),
    ("Stateline Area", "matched", {"chicago"}, "Stateline Area"),
    ("Forgottonia", "matched", {"chicago"}, "Forgottonia"),
    ("the Fox Valley, IL", "matched", {"chicago"}, "Illinois Fox Valley"),
    ("Fox Valley", "matched", {"chicago"}, "Fox Valley"),  # bare, still Wisconsin's
    ("Peoria metro", "matched", {"chicago"}, "Peoria, IL"),
    ("Chambana", "matched", {"chicago"}, "Champaign-Urbana, IL"),
    ("Bloomington-Normal", "matched", {"chicago"}, "Bloomington, IL"),
    ("Indiana Dunes", "matched", {"chicago"}, "Indiana Dunes"),
    ("Wabash Valley", "matched", {"chicago"}, "Wabash Valley"),
    ("Evansville metro", "matched", {"chicago"}, "Evansville, IN-KY"),
    ("Fort Wayne metro", "matched", {"chicago"}, "Fort Wayne, IN"),
    ("Downriver", "matched", {"detroit"}, "Downriver"),
    ("Copper Country", "matched", {"detroit"}, "Keweenaw Peninsula"),
    ("Grand Traverse Region", "matched", {"detroit"}, "Grand Traverse Region"),
    ("Sleeping Bear Dunes", "matched", {"detroit"}, "Sleeping Bear Dunes"),
    ("Isle Royale", "matched", {"detroit"}, "Isle Royale"),
    ("Pictured Rocks", "matched", {"detroit"}, "Pictured Rocks"),
    # Ohio, Kentucky and the Ohio Valley
    ("Appalachian Ohio", "matched", {"detroit"}, "Appalachian Ohio"),
    ("Mahoning Valley", "matched", {"detroit"}, "Mahoning Valley"),
    ("Western Reserve", "matched", {"detroit"}, "Western Reserve"),
    ("Thumb", "matched", {"detroit"}, "The Thumb"),
    ("Youngstown-Warren, OH-PA", "split", {"detroit", "philadelphia"}, "Youngstown-Warren, OH-PA"),
    ("Firelands", "matched", {"detroit"}, "Firelands"),
    ("Amish Country, OH", "matched", {"detroit"}, "Ohio Amish Country"),
    ("Amish Country", "matched", {"philadelphia"}, "Pennsylvania Dutch Country"),  # bare: PA's
    ("Hocking Hills", "matched", {"detroit"}, "Hocking Hills"),
    ("Cuyahoga Valley National Park", "matched", {"detroit"}, "Cuyahoga Valley"),
    ("Toledo metro", "matched", {"detroit"}, "Toledo, OH"),
    ("Akron metro", "matched", {"detroit"}, "Akron, OH"),
    ("Mid-Ohio Valley", "split", {"philadelphia", "detroit"}, "Mid-Ohio Valley"),
    ("Wheeling, WV-OH", "split", {"philadelphia", "detroit"}, "Wheeling, WV-OH"),
    (
        "Weirton-Steubenville",
        "split",
        {"philadelphia", "detroit"},
        "Weirton-Steubenville, WV-OH",
    ),
    (
        "Huntington-Ashland",
        "split",
        {"philadelphia", "chicago", "detroit"},
        "Huntington-Ashland, WV-KY-OH",
    ),
    (
        "Tri-State, WV",
        "split",
        {"philadelphia", "chicago", "detroit"},
        "Huntington-Ashland, WV-KY-OH",
    ),
    ("Pennyrile", "matched", {"chicago"}, "Pennyrile"),
    ("Pennyroyal", "matched", {"chicago"}, "Pennyrile"),
    ("Lake Cumberland", "matched", {"chicago"}, "Lake Cumberland"),
    ("Green River Region, Kentucky", "matched", {"chicago"}, "Green River Region, Kentucky"),
    ("Land Between the Lakes", "split", {"chicago", "new-orleans"}, "Land Between the Lakes"),
    ("Mammoth Cave National Park", "matched", {"chicago"}, "Mammoth Cave"),
    ("Red River Gorge", "matched", {"chicago"}, "Red River Gorge"),
    (
        "Cumberland Gap National Historical Park",
        "split",
        {"chicago", "new-orleans"},
        "Cumberland Gap National Historical Park",
    ),
    ("Clarksville, TN-KY", "split", {"new-orleans", "chicago"}, "Clarksville, TN-KY"),
    # the South
    ("Great Smoky Mountains", "split", {"new-orleans", "atlanta"}, "Great Smoky Mountains"),
    ("the Smokies", "split", {"new-orleans", "atlanta"}, "Great Smoky Mountains"),
    ("Upper Cumberland", "matched", {"new-orleans"}, "Upper Cumberland"),
    ("Sequatchie Valley", "matched", {"new-orleans"}, "Sequatchie Valley"),
    (
        "Gulf Islands National Seashore",
        "split",
        {"new-orleans", *FL},
        "Gulf Islands National Seashore",
    ),
    ("Miss-Lou", "matched", {"new-orleans"}, "Miss-Lou"),
    ("Cenla", "matched", {"new-orleans"}, "Central Louisiana"),
    ("SWLA", "matched", {"new-orleans"}, "Southwest Louisiana"),
    ("Bayou Region", "matched", {"new-orleans"}, "Bayou Region"),
    ("Alabama Gulf Coast", "matched", {"new-orleans"}, "Alabama Gulf Coast"),
    ("River Region", "matched", {"new-orleans"}, "River Region"),
    ("Sand Mountain", "matched", {"new-orleans"}, "Sand Mountain"),
    ("Ouachitas", "split", {"new-orleans", DAL}, "Ouachita Mountains"),
    ("Buffalo National River", "matched", {"new-orleans"}, "Buffalo National River"),
    ("Cherokee Nation", "matched", {DAL}, "Cherokee Nation"),
    ("Chickasaw Nation", "matched", {DAL}, "Chickasaw Nation"),
    ("Choctaw Nation", "matched", {DAL}, "Choctaw Nation"),
    ("the Okefenokee", "split", {"atlanta", *FL}, "Okefenokee Swamp"),
    ("Lake Lanier", "matched", {"atlanta"}, "Lake Lanier"),
    ("Chattahoochee Valley", "split", {"atlanta", "new-orleans"}, "Chattahoochee Valley"),
    ("Nature Coast", "overlap", FL, "Nature Coast"),
    ("Forgotten Coast", "overlap", FL, "Forgotten Coast"),
    ("Florida Heartland", "overlap", FL, "Florida Heartland"),
    ("Paradise Coast", "overlap", FL, "Paradise Coast"),
    ("Everglades", "overlap", FL, "Everglades"),
    ("Tri-County, FL", "overlap", FL, "Tri-County, Florida"),
    ("Lake O", "overlap", FL, "Lake Okeechobee"),
    ("Tallahassee metro", "overlap", FL, "Tallahassee, FL"),
    ("Sarasota-Bradenton", "overlap", FL, "North Port-Bradenton-Sarasota, FL"),
    ("Fort Myers metro", "overlap", FL, "Cape Coral-Fort Myers, FL"),
    ("Pensacola metro", "overlap", FL, "Pensacola-Ferry Pass-Brent, FL"),
    ("Lakeland-Winter Haven", "overlap", FL, "Lakeland-Winter Haven, FL"),
    ("Fun Coast", "overlap", FL, "Deltona-Daytona Beach-Ormond Beach, FL"),
    # the Carolinas, Virginia, West Virginia, Maryland, Delaware, DC
    ("the Carolinas", "matched", {"atlanta"}, "The Carolinas"),
    ("Albemarle Region", "matched", {"atlanta"}, "Albemarle Region"),
    ("Inner Banks", "matched", {"atlanta"}, "Inner Banks"),
    ("Lake Norman", "matched", {"atlanta"}, "Lake Norman"),
    ("Unifour", "matched", {"atlanta"}, "Hickory-Lenoir-Morganton, NC"),
    ("Santee Cooper Country", "matched", {"atlanta"}, "Santee Cooper Country"),
    ("Olde English District", "matched", {"atlanta"}, "Olde English District"),
    ("Appalachian South Carolina", "matched", {"atlanta"}, "Appalachian South Carolina"),
    ("Historic Triangle", "uncovered", set(), "Historic Triangle"),
    ("the Peninsula, VA", "uncovered", set(), "Virginia Peninsula"),
    ("South Hampton Roads", "uncovered", set(), "South Hampton Roads"),
    ("New River Valley", "uncovered", set(), "New River Valley"),
    ("Northern Shenandoah Valley", "uncovered", set(), "Northern Shenandoah Valley"),
    ("Fredericksburg region", "uncovered", set(), "George Washington Region"),
    ("Alleghany Highlands", "uncovered", set(), "Alleghany Highlands"),
    ("Shenandoah National Park", "uncovered", set(), "Shenandoah National Park"),
    ("Smith Mountain Lake", "uncovered", set(), "Smith Mountain Lake"),
    ("Great Dismal Swamp", "split", {"atlanta"}, "Great Dismal Swamp"),  # and uncovered Virginia
    ("Winchester, VA-WV", "split", {"philadelphia"}, "Winchester, VA-WV"),  # and uncovered Virginia
    ("Inside the Beltway", "matched", {HQ}, "Inside the Beltway"),
    ("Potomac Highlands", "matched", {"philadelphia"}, "Potomac Highlands"),
    ("New River Gorge", "matched", {"philadelphia"}, "New River Gorge"),
    ("Greenbrier Valley", "matched", {"philadelphia"}, "Greenbrier Valley"),
    ("Lower Shore", "matched", {HQ}, "Lower Eastern Shore"),
    ("Mid-Shore", "matched", {HQ}, "Mid-Shore"),
    ("Upper Shore", "matched", {HQ}, "Upper Eastern Shore"),
    ("Central Maryland", "matched", {HQ}, "Central Maryland"),
    ("Appalachian Maryland", "matched", {HQ}, "Appalachian Maryland"),
    ("Assateague Island", "split", {HQ}, "Assateague Island"),  # and uncovered Accomack, VA
    ("Hagerstown-Martinsburg", "split", {HQ, "philadelphia"}, "Hagerstown-Martinsburg, MD-WV"),
    ("Cumberland, MD-WV", "split", {HQ, "philadelphia"}, "Cumberland, MD-WV"),
    ("Salisbury, MD-DE", "split", {HQ, "philadelphia"}, "Salisbury, MD-DE"),
    ("Cumberland Valley", "split", {"philadelphia", HQ}, "Cumberland Valley"),
    ("Northern Delaware", "matched", {"philadelphia"}, "Northern Delaware"),
    ("Delaware Beaches", "matched", {"philadelphia"}, "Delaware Beaches"),
    ("Central Delaware", "matched", {"philadelphia"}, "Central Delaware"),
    # Pennsylvania, New Jersey, New York
    ("Twin Tiers", "split", {"detroit", "philadelphia"}, "Twin Tiers"),
    ("the Twin Tiers", "split", {"detroit", "philadelphia"}, "Twin Tiers"),
    ("Northern Tier", "matched", {"philadelphia"}, "Northern Tier, Pennsylvania"),
    ("Laurel Highlands", "matched", {"philadelphia"}, "Laurel Highlands"),
    ("PA Wilds", "matched", {"philadelphia"}, "Pennsylvania Wilds"),
    ("Endless Mountains", "matched", {"philadelphia"}, "Endless Mountains"),
    ("Mon Valley", "matched", {"philadelphia"}, "Mon Valley"),
    ("the Main Line", "matched", {"philadelphia"}, "Main Line"),
    ("collar counties, PA", "matched", {"philadelphia"}, "Philadelphia suburbs"),
    ("Central Susquehanna Valley", "matched", {"philadelphia"}, "Central Susquehanna Valley"),
    ("Oil Region", "matched", {"philadelphia"}, "Oil Region"),
    ("Allegheny National Forest", "matched", {"philadelphia"}, "Allegheny National Forest"),
    ("Brandywine Valley", "matched", {"philadelphia"}, "Brandywine Valley"),
    ("Harrisburg-Carlisle", "matched", {"philadelphia"}, "Harrisburg-Carlisle, PA"),
    ("Scranton-Wilkes-Barre", "matched", {"philadelphia"}, "Scranton--Wilkes-Barre, PA"),
    (
        "Delaware Water Gap National Recreation Area",
        "split",
        {"philadelphia", "newark"},
        "Delaware Water Gap National Recreation Area",
    ),
    ("Skylands", "matched", {"newark"}, "Skylands"),
    ("the Meadowlands", "matched", {"newark"}, "New Jersey Meadowlands"),
    ("New Jersey Highlands", "matched", {"newark"}, "New Jersey Highlands"),
    (
        "Gateway National Recreation Area",
        "split",
        {"new-york", "newark"},
        "Gateway National Recreation Area",
    ),
    ("the Hamptons", "matched", {"new-york"}, "Hamptons"),
    ("North Fork, NY", "matched", {"new-york"}, "North Fork, Long Island"),
    ("Fire Island National Seashore", "matched", {"new-york"}, "Fire Island National Seashore"),
    ("Mid-Hudson Valley", "matched", {"new-york"}, "Mid-Hudson"),
    ("Lower Hudson Valley", "matched", {"new-york"}, "Lower Hudson Valley"),
    ("Borscht Belt", "matched", {"new-york"}, "Borscht Belt"),
    ("Thousand Islands", "matched", {"detroit"}, "Thousand Islands"),
    ("Tug Hill", "matched", {"detroit"}, "Tug Hill"),
    ("Niagara Frontier", "matched", {"detroit"}, "Niagara Frontier"),
    ("Leatherstocking Region", "matched", {"detroit"}, "Leatherstocking Region"),
    ("Appalachian New York", "matched", {"detroit"}, "Appalachian New York"),
    ("Syracuse metro", "matched", {"detroit"}, "Syracuse, NY"),
    ("Albany-Schenectady-Troy", "matched", {"detroit"}, "Albany-Schenectady-Troy, NY"),
    ("Triple Cities", "matched", {"detroit"}, "Binghamton, NY"),
    ("Champlain Valley", "split", {"boston", "detroit"}, "Champlain Valley"),
    # New England
    ("New England", "matched", {"boston"}, "New England"),
    ("Naugatuck Valley", "matched", {"boston"}, "Naugatuck Valley"),
    ("Greater New Haven", "matched", {"boston"}, "Greater New Haven"),
    ("Southeastern Connecticut", "matched", {"boston"}, "Southeastern Connecticut"),
    ("Blackstone Valley", "matched", {"boston"}, "Blackstone Valley"),
    ("MetroWest", "matched", {"boston"}, "MetroWest"),
    ("Merrimack Valley", "matched", {"boston"}, "Merrimack Valley"),
    ("SouthCoast", "matched", {"boston"}, "South Coast, Massachusetts"),
    ("East Bay, RI", "matched", {"boston"}, "East Bay, Rhode Island"),
    ("East Bay", "matched", {SF}, "East Bay"),  # bare, still California's
    ("White Mountains, NH", "matched", {"boston"}, "White Mountains, New Hampshire"),
    ("Upper Valley, VT", "matched", {"boston"}, "Upper Valley, New Hampshire and Vermont"),
    ("Mad River Valley", "matched", {"boston"}, "Mad River Valley"),
    ("Maine Highlands", "matched", {"boston"}, "Maine Highlands"),
    ("Kennebec Valley", "matched", {"boston"}, "Kennebec Valley"),
    ("Maine Beaches", "matched", {"boston"}, "Maine Beaches"),
    ("Western Maine", "matched", {"boston"}, "Western Maine Mountains"),
    ("Acadia National Park", "matched", {"boston"}, "Acadia National Park"),
]


# Landmarks people name as places: military installations, national forests, airports, dams, lakes,
# state parks, and more vernacular regions. Each is its counties (the agency that runs it names
# them) through the directory's territories: query -> (status, responsible offices, area's name).
LANDMARKS = [
    # a held-out tester's landmarks (Clark and Lincoln are Southern Nevada's; Columbia is Detroit's,
    # Dutchess New York's; Fauquier is in no office's area; Bergen is Newark's)
    ("Red Rock Canyon, NV", "matched", {LN}, "Red Rock Canyon National Conservation Area"),
    ("Area 51", "matched", {LN}, "Area 51"),
    ("Groom Lake", "matched", {LN}, "Area 51"),
    ("Nevada Test Site", "matched", {LN}, "Nevada National Security Site"),
    ("Stewart International Airport", "matched", {"new-york"}, "Stewart International Airport"),
    ("Taconic State Park", "split", {"detroit", "new-york"}, "Taconic State Park"),
    ("Bull Run Mountains", "split", {HQ}, "Bull Run Mountains"),
    ("Palisades Interstate Park", "split", {"newark", "new-york"}, "Palisades Interstate Park"),
    # a second tester's (Bosque and Hill are San Antonio's, Johnson Dallas's; Live Oak Houston's,
    # McMullen San Antonio's; Harrison and Marion Dallas's, Caddo Parish New Orleans's; Jefferson,
    # WV Philadelphia's, Washington, MD and Loudoun Headquarters')
    ("Lake Whitney", "split", {SA, DAL}, "Lake Whitney"),
    ("Choke Canyon Reservoir", "split", {HOU, SA}, "Choke Canyon Reservoir"),
    ("Caddo Lake", "split", {DAL, "new-orleans"}, "Caddo Lake"),
    (
        "Harpers Ferry National Historical Park",
        "split",
        {"philadelphia", HQ},
        "Harpers Ferry National Historical Park",
    ),
    ("Statue of Liberty", "matched", {"new-york"}, "Liberty Island"),
    ("Mount Whitney", "matched", {SF}, "Mount Whitney"),  # Inyo and Tulare: both San Francisco's
    ("Ontario International Airport", "matched", {LN}, "Ontario International Airport"),
    # military installations
    ("Edwards Air Force Base", "split", {LN, SF}, "Edwards Air Force Base"),
    # typed with its state: still the base, which holds the Kern housing CDP of its name
    ("Edwards Air Force Base, CA", "split", {LN, SF}, "Edwards Air Force Base"),
    ("Edwards AFB, CA", "split", {LN, SF}, "Edwards Air Force Base"),  # as the base is written
    ("Nellis AFB", "matched", {LN}, "Nellis Air Force Base"),
    (
        "Naval Air Weapons Station China Lake",
        "split",
        {LN, SF},
        "Naval Air Weapons Station China Lake",
    ),
    ("Marine Corps Base Quantico", "split", {HQ}, "Marine Corps Base Quantico"),
    ("Fort Cavazos", "matched", {SA}, "Fort Cavazos"),
    ("Fort Bliss", "matched", {EP}, "Fort Bliss"),
    ("Fort Irwin National Training Center", "matched", {LN}, "Fort Irwin National Training Center"),
    ("Vandenberg Space Force Base", "matched", {LN}, "Vandenberg Space Force Base"),
    ("Naval Air Station Fallon", "matched", {SF}, "Naval Air Station Fallon"),
    ("Davis-Monthan Air Force Base", "matched", {"phoenix"}, "Davis-Monthan Air Force Base"),
    ("Marine Corps Air Station Yuma", "matched", {"phoenix"}, "Marine Corps Air Station Yuma"),
    ("Eglin Air Force Base", "overlap", FL, "Eglin Air Force Base"),
    ("Hurlburt Field", "overlap", FL, "Hurlburt Field"),
    ("Naval Air Station Pensacola", "overlap", FL, "Naval Air Station Pensacola"),
    ("Naval Air Station Jacksonville", "overlap", FL, "Naval Air Station Jacksonville"),
    ("Naval Station Mayport", "overlap", FL, "Naval Station Mayport"),
    ("MacDill Air Force Base", "overlap", FL, "MacDill Air Force Base"),
    ("Tyndall Air Force Base", "overlap", FL, "Tyndall Air Force Base"),
    ("Patrick Space Force Base", "overlap", FL, "Patrick Space Force Base"),
    (
        "Cape Canaveral Space Force Station",
        "overlap",
        FL,
        "Cape Canaveral Space Force Station",
    ),
    (
        "Cape Canaveral Air Force Station",
        "overlap",
        FL,
        "Cape Canaveral Space Force Station",
    ),  # its own station, not Patrick's
    ("Camp Blanding", "overlap", FL, "Camp Blanding"),
    ("Fort Campbell", "split", {"chicago", "new-orleans"}, "Fort Campbell"),
    ("Fort Knox", "matched", {"chicago"}, "Fort Knox"),
    ("Fort Moore", "split", {"atlanta", "new-orleans"}, "Fort Moore"),
    ("Fort Eisenhower", "matched", {"atlanta"}, "Fort Eisenhower"),
    ("Naval Submarine Base Kings Bay", "matched", {"atlanta"}, "Naval Submarine Base Kings Bay"),
    ("United States Military Academy", "matched", {"new-york"}, "United States Military Academy"),
    ("Fort George G. Meade", "matched", {HQ}, "Fort George G. Meade"),
    ("Naval Air Station Patuxent River", "matched", {HQ}, "Naval Air Station Patuxent River"),
    ("Fairchild Air Force Base", "matched", {"seattle"}, "Fairchild Air Force Base"),
    ("Yakima Training Center", "matched", {"seattle"}, "Yakima Training Center"),
    ("Fort Leonard Wood", "matched", {"st-paul"}, "Fort Leonard Wood"),
    ("Tinker Air Force Base", "matched", {DAL}, "Tinker Air Force Base"),
    ("Fort Johnson, Louisiana", "matched", {"new-orleans"}, "Fort Johnson, Louisiana"),
    ("Camp Lejeune", "matched", {"atlanta"}, "Camp Lejeune"),
    ("Seymour Johnson Air Force Base", "matched", {"atlanta"}, "Seymour Johnson Air Force Base"),
    ("Shaw Air Force Base", "matched", {"atlanta"}, "Shaw Air Force Base"),
    ("Naval Station Norfolk", "uncovered", set(), "Naval Station Norfolk"),
    ("Naval Air Station Oceana", "uncovered", set(), "Naval Air Station Oceana"),
    ("Joint Base Langley-Eustis", "uncovered", set(), "Joint Base Langley-Eustis"),
    ("Fort Gregg-Adams", "uncovered", set(), "Fort Gregg-Adams"),
    ("Fort Walker", "uncovered", set(), "Fort Walker"),
    ("Naval Weapons Station Yorktown", "uncovered", set(), "Naval Weapons Station Yorktown"),
    ("Eielson Air Force Base", "matched", {"seattle"}, "Eielson Air Force Base"),
    ("Fort Greely", "matched", {"seattle"}, "Fort Greely"),
    ("Malmstrom Air Force Base", "matched", {"denver"}, "Malmstrom Air Force Base"),
    ("Dugway Proving Ground", "matched", {"denver"}, "Dugway Proving Ground"),
    ("Pinon Canyon Maneuver Site", "matched", {"denver"}, "Pinon Canyon Maneuver Site"),
    ("United States Air Force Academy", "matched", {"denver"}, "United States Air Force Academy"),
    ("Offutt Air Force Base", "matched", {"st-paul"}, "Offutt Air Force Base"),
    ("Francis E. Warren Air Force Base", "matched", {"denver"}, "Francis E. Warren Air Force Base"),
    ("Holloman Air Force Base", "matched", {EP}, "Holloman Air Force Base"),
    ("Naval Air Station Corpus Christi", "matched", {HOU}, "Naval Air Station Corpus Christi"),
    ("Sheppard Air Force Base", "matched", {DAL}, "Sheppard Air Force Base"),
    ("Red River Army Depot", "matched", {DAL}, "Red River Army Depot"),
    ("Maxwell Air Force Base", "matched", {"new-orleans"}, "Maxwell Air Force Base"),
    ("Columbus Air Force Base", "matched", {"new-orleans"}, "Columbus Air Force Base"),
    ("Fort Chaffee", "matched", {"new-orleans"}, "Fort Chaffee"),
    (
        "Naval Support Activity Mid-South",
        "matched",
        {"new-orleans"},
        "Naval Support Activity Mid-South",
    ),
    ("Rock Island Arsenal", "matched", {"chicago"}, "Rock Island Arsenal"),
    ("Naval Support Activity Crane", "matched", {"chicago"}, "Naval Support Activity Crane"),
    ("Camp Ripley", "matched", {"st-paul"}, "Camp Ripley"),
    ("Joint Base McGuire-Dix-Lakehurst", "matched", {"newark"}, "Joint Base McGuire-Dix-Lakehurst"),
    ("Carlisle Barracks", "matched", {"philadelphia"}, "Carlisle Barracks"),
    ("Letterkenny Army Depot", "matched", {"philadelphia"}, "Letterkenny Army Depot"),
    ("Hanscom Air Force Base", "matched", {"boston"}, "Hanscom Air Force Base"),
    ("Joint Base Pearl Harbor-Hickam", "matched", {LN}, "Joint Base Pearl Harbor-Hickam"),
    ("Pohakuloa Training Area", "matched", {LN}, "Pohakuloa Training Area"),
    ("Marine Corps Air Station Miramar", "matched", {SD}, "Marine Corps Air Station Miramar"),
    ("Naval Base Ventura County", "matched", {LN}, "Naval Base Ventura County"),
    ("Camp Roberts", "split", {LN, SF}, "Camp Roberts"),
    (
        "Chocolate Mountain Aerial Gunnery Range",
        "split",
        {LN, SD},
        "Chocolate Mountain Aerial Gunnery Range",
    ),
    # national forests
    ("Los Padres National Forest", "split", {LN, SF}, "Los Padres National Forest"),
    ("Cleveland National Forest", "split", {LN, SD}, "Cleveland National Forest"),
    ("San Bernardino National Forest", "matched", {LN}, "San Bernardino National Forest"),
    ("Stanislaus National Forest", "matched", {SF}, "Stanislaus National Forest"),
    ("Plumas National Forest", "matched", {SF}, "Plumas National Forest"),
    ("Six Rivers National Forest", "matched", {SF}, "Six Rivers National Forest"),
    ("Klamath National Forest", "split", {SF, "seattle"}, "Klamath National Forest"),
    ("Modoc National Forest", "matched", {SF}, "Modoc National Forest"),
    ("Inyo National Forest", "split", {LN, SF}, "Inyo National Forest"),
    ("Humboldt-Toiyabe National Forest", "split", {LN, SF}, "Humboldt-Toiyabe National Forest"),
    ("Mount Hood National Forest", "matched", {"seattle"}, "Mount Hood National Forest"),
    ("Umpqua National Forest", "matched", {"seattle"}, "Umpqua National Forest"),
    (
        "Rogue River-Siskiyou National Forest",
        "split",
        {SF, "seattle"},
        "Rogue River-Siskiyou National Forest",
    ),
    ("Ochoco National Forest", "matched", {"seattle"}, "Ochoco National Forest"),
    ("Umatilla National Forest", "matched", {"seattle"}, "Umatilla National Forest"),
    ("Wallowa-Whitman National Forest", "matched", {"seattle"}, "Wallowa-Whitman National Forest"),
    (
        "Mount Baker-Snoqualmie National Forest",
        "matched",
        {"seattle"},
        "Mount Baker-Snoqualmie National Forest",
    ),
    ("Colville National Forest", "matched", {"seattle"}, "Colville National Forest"),
    (
        "Idaho Panhandle National Forests",
        "split",
        {"denver", "seattle"},
        "Idaho Panhandle National Forests",
    ),
    ("Boise National Forest", "matched", {"seattle"}, "Boise National Forest"),
    ("Sawtooth National Forest", "split", {"denver", "seattle"}, "Sawtooth National Forest"),
    (
        "Caribou-Targhee National Forest",
        "split",
        {"denver", "seattle"},
        "Caribou-Targhee National Forest",
    ),
    ("Payette National Forest", "matched", {"seattle"}, "Payette National Forest"),
    ("Bitterroot National Forest", "split", {"denver", "seattle"}, "Bitterroot National Forest"),
    ("Kootenai National Forest", "split", {"denver", "seattle"}, "Kootenai National Forest"),
    (
        "Custer Gallatin National Forest",
        "split",
        {"denver", "st-paul"},
        "Custer Gallatin National Forest",
    ),
    (
        "Helena-Lewis and Clark National Forest",
        "matched",
        {"denver"},
        "Helena-Lewis and Clark National Forest",
    ),
    ("Shoshone National Forest", "matched", {"denver"}, "Shoshone National Forest"),
    (
        "Medicine Bow-Routt National Forests",
        "matched",
        {"denver"},
        "Medicine Bow-Routt National Forests",
    ),
    ("White River National Forest", "matched", {"denver"}, "White River National Forest"),
    ("San Juan National Forest", "matched", {"denver"}, "San Juan National Forest"),
    (
        "Uinta-Wasatch-Cache National Forest",
        "matched",
        {"denver"},
        "Uinta-Wasatch-Cache National Forest",
    ),
    ("Ashley National Forest", "matched", {"denver"}, "Ashley National Forest"),
    ("Fishlake National Forest", "matched", {"denver"}, "Fishlake National Forest"),
    ("Manti-La Sal National Forest", "matched", {"denver"}, "Manti-La Sal National Forest"),
    ("Kaibab National Forest", "matched", {"phoenix"}, "Kaibab National Forest"),
    (
        "Apache-Sitgreaves National Forests",
        "matched",
        {"phoenix"},
        "Apache-Sitgreaves National Forests",
    ),
    ("Coronado National Forest", "split", {EP, "phoenix"}, "Coronado National Forest"),
    ("Lincoln National Forest", "matched", {EP}, "Lincoln National Forest"),
    ("Cibola National Forest", "matched", {EP}, "Cibola National Forest"),
    ("Black Hills National Forest", "split", {"denver", "st-paul"}, "Black Hills National Forest"),
    ("Superior National Forest", "matched", {"st-paul"}, "Superior National Forest"),
    ("Huron-Manistee National Forests", "matched", {"detroit"}, "Huron-Manistee National Forests"),
    ("Shawnee National Forest", "matched", {"chicago"}, "Shawnee National Forest"),
    ("Mark Twain National Forest", "matched", {"st-paul"}, "Mark Twain National Forest"),
    ("Ouachita National Forest", "split", {DAL, "new-orleans"}, "Ouachita National Forest"),
    ("Kisatchie National Forest", "matched", {"new-orleans"}, "Kisatchie National Forest"),
    ("Davy Crockett National Forest", "matched", {HOU}, "Davy Crockett National Forest"),
    ("Homochitto National Forest", "matched", {"new-orleans"}, "Homochitto National Forest"),
    (
        "Chattahoochee-Oconee National Forests",
        "matched",
        {"atlanta"},
        "Chattahoochee-Oconee National Forests",
    ),
    ("Croatan National Forest", "matched", {"atlanta"}, "Croatan National Forest"),
    ("Sumter National Forest", "matched", {"atlanta"}, "Sumter National Forest"),
    (
        "George Washington and Jefferson National Forests",
        "split",
        {"chicago", "philadelphia"},
        "George Washington and Jefferson National Forests",
    ),
    ("Finger Lakes National Forest", "matched", {"detroit"}, "Finger Lakes National Forest"),
    ("Ocala National Forest", "overlap", FL, "Ocala National Forest"),
    ("Apalachicola National Forest", "overlap", FL, "Apalachicola National Forest"),
    ("Osceola National Forest", "overlap", FL, "Osceola National Forest"),
    # airports
    (
        "Hartsfield-Jackson Atlanta International Airport",
        "matched",
        {"atlanta"},
        "Hartsfield-Jackson Atlanta International Airport",
    ),
    ("O'Hare International Airport", "matched", {"chicago"}, "O'Hare International Airport"),
    ("Harry Reid International Airport", "matched", {LN}, "Harry Reid International Airport"),
    ("Orlando International Airport", "overlap", FL, "Orlando International Airport"),
    ("Miami International Airport", "overlap", FL, "Miami International Airport"),
    (
        "Charlotte Douglas International Airport",
        "matched",
        {"atlanta"},
        "Charlotte Douglas International Airport",
    ),
    (
        "Newark Liberty International Airport",
        "matched",
        {"newark"},
        "Newark Liberty International Airport",
    ),
    (
        "Boston Logan International Airport",
        "matched",
        {"boston"},
        "Boston Logan International Airport",
    ),
    (
        "Fort Lauderdale-Hollywood International Airport",
        "overlap",
        FL,
        "Fort Lauderdale-Hollywood International Airport",
    ),
    ("LaGuardia Airport", "matched", {"new-york"}, "LaGuardia Airport"),
    (
        "Salt Lake City International Airport",
        "matched",
        {"denver"},
        "Salt Lake City International Airport",
    ),
    ("San Diego International Airport", "matched", {SD}, "San Diego International Airport"),
    ("Tampa International Airport", "overlap", FL, "Tampa International Airport"),
    (
        "Nashville International Airport",
        "matched",
        {"new-orleans"},
        "Nashville International Airport",
    ),
    (
        "Daniel K. Inouye International Airport",
        "matched",
        {LN},
        "Daniel K. Inouye International Airport",
    ),
    (
        "St. Louis Lambert International Airport",
        "matched",
        {"st-paul"},
        "St. Louis Lambert International Airport",
    ),
    ("Sacramento International Airport", "matched", {SF}, "Sacramento International Airport"),
    ("John Wayne Airport", "matched", {LN}, "John Wayne Airport"),
    (
        "Southwest Florida International Airport",
        "overlap",
        FL,
        "Southwest Florida International Airport",
    ),
    (
        "Pittsburgh International Airport",
        "matched",
        {"philadelphia"},
        "Pittsburgh International Airport",
    ),
    ("San Antonio International Airport", "matched", {SA}, "San Antonio International Airport"),
    # dams, lakes and reservoirs
    ("Hoover Dam", "split", {LN, "phoenix"}, "Hoover Dam"),
    ("Lake Texoma", "matched", {DAL}, "Lake Texoma"),
    ("Kentucky Lake", "split", {"chicago", "new-orleans"}, "Kentucky Lake"),
    ("Lake Barkley", "split", {"chicago", "new-orleans"}, "Lake Barkley"),
    ("Lake Roosevelt", "matched", {"seattle"}, "Lake Roosevelt"),
    ("Lake Mohave", "split", {LN, "phoenix"}, "Lake Mohave"),
    ("Lake Havasu", "split", {LN, "phoenix"}, "Lake Havasu"),
    ("Lake Shasta", "matched", {SF}, "Lake Shasta"),
    ("Dale Hollow Lake", "split", {"chicago", "new-orleans"}, "Dale Hollow Lake"),
    ("Pickwick Lake", "matched", {"new-orleans"}, "Pickwick Lake"),
    ("Lake Hartwell", "matched", {"atlanta"}, "Lake Hartwell"),
    ("J. Strom Thurmond Lake", "matched", {"atlanta"}, "J. Strom Thurmond Lake"),
    ("Table Rock Lake", "split", {"new-orleans", "st-paul"}, "Table Rock Lake"),
    ("Bull Shoals Lake", "split", {"new-orleans", "st-paul"}, "Bull Shoals Lake"),
    ("Norfork Lake", "split", {"new-orleans", "st-paul"}, "Norfork Lake"),
    ("Beaver Lake, Arkansas", "matched", {"new-orleans"}, "Beaver Lake, Arkansas"),
    ("Sam Rayburn Reservoir", "matched", {HOU}, "Sam Rayburn Reservoir"),
    ("Lake Limestone", "split", {HOU, SA}, "Lake Limestone"),  # Robertson, Leon; Limestone
    ("Amistad Reservoir", "matched", {SA}, "Amistad Reservoir"),
    ("Lake Sakakawea", "matched", {"st-paul"}, "Lake Sakakawea"),
    ("Lake Oahe", "matched", {"st-paul"}, "Lake Oahe"),
    ("Lake Winnipesaukee", "matched", {"boston"}, "Lake Winnipesaukee"),
    ("Lake Pend Oreille", "matched", {"seattle"}, "Lake Pend Oreille"),
    ("Great Salt Lake", "matched", {"denver"}, "Great Salt Lake"),
    ("Bonneville Dam", "matched", {"seattle"}, "Bonneville Dam"),
    ("Lake Gaston", "split", {"atlanta"}, "Lake Gaston"),
    ("Kerr Lake", "split", {"atlanta"}, "Kerr Lake"),
    ("Lake Anna", "uncovered", set(), "Lake Anna"),
    ("Lake Red Rock", "matched", {"st-paul"}, "Lake Red Rock"),
    ("Lake Eufaula, Alabama", "split", {"atlanta", "new-orleans"}, "Lake Eufaula, Alabama"),
    ("Lake Seminole", "split", {"atlanta", "miami", "tampa"}, "Lake Seminole"),
    # state parks
    ("Anza-Borrego Desert State Park", "split", {LN, SD}, "Anza-Borrego Desert State Park"),
    ("Catskill Park", "split", {"detroit", "new-york"}, "Catskill Park"),
    ("Palo Duro Canyon State Park", "matched", {DAL}, "Palo Duro Canyon State Park"),
    ("Letchworth State Park", "matched", {"detroit"}, "Letchworth State Park"),
    ("Bear Mountain State Park", "matched", {"new-york"}, "Bear Mountain State Park"),
    ("Starved Rock State Park", "matched", {"chicago"}, "Starved Rock State Park"),
    ("Humboldt Redwoods State Park", "matched", {SF}, "Humboldt Redwoods State Park"),
    (
        "Red Rock Canyon State Park, California",
        "matched",
        {SF},
        "Red Rock Canyon State Park, California",
    ),
    ("Chugach State Park", "matched", {"seattle"}, "Chugach State Park"),
    ("Watkins Glen State Park", "matched", {"detroit"}, "Watkins Glen State Park"),
    ("Brown County State Park", "matched", {"chicago"}, "Brown County State Park"),
    ("Niagara Falls State Park", "matched", {"detroit"}, "Niagara Falls State Park"),
    # vernacular regions
    ("Conejo Valley", "matched", {LN}, "Conejo Valley"),
    ("Temecula Valley", "matched", {LN}, "Temecula Valley"),
    ("Sonoma Valley", "matched", {SF}, "Sonoma Valley"),
    ("Livermore Valley", "matched", {SF}, "Livermore Valley"),
    ("Westside, Los Angeles", "matched", {LN}, "Westside, Los Angeles"),
    ("Colorado Desert", "split", {LN, SD}, "Colorado Desert"),
    ("Sky Islands", "split", {EP, "phoenix"}, "Sky Islands"),
    ("Mid-Cities", "matched", {DAL}, "Mid-Cities"),
    ("South Shore, Long Island", "matched", {"new-york"}, "South Shore, Long Island"),
    ("The Palm Beaches", "overlap", FL, "The Palm Beaches"),
    ("Edwards Plateau", "split", {DAL, SA, EP}, "Edwards Plateau"),  # Terrell, Upton: El Paso's
    ("Red Hills Region", "split", {"atlanta", "miami", "tampa"}, "Red Hills Region"),
    ("Cumberland Plateau", "matched", {"new-orleans"}, "Cumberland Plateau"),
    ("South Bay, Los Angeles", "matched", {LN}, "South Bay, Los Angeles"),
    # Indian reservations and tribal lands (BIA / Census AIANNH): the counties of each, off-reservation
    # trust land included; over a state or office line, each office
    (
        "Tohono O'odham Nation Reservation",
        "matched",
        {"phoenix"},
        "Tohono O'odham Nation Reservation",
    ),
    ("Gila River Indian Community", "matched", {"phoenix"}, "Gila River Indian Community"),
    (
        "San Carlos Apache Indian Reservation",
        "matched",
        {"phoenix"},
        "San Carlos Apache Indian Reservation",
    ),
    ("Hopi Reservation", "matched", {"phoenix"}, "Hopi Reservation"),
    (
        "Colorado River Indian Reservation",
        "split",
        {LN, "phoenix"},
        "Colorado River Indian Reservation",
    ),
    ("Fort Mojave Indian Reservation", "split", {LN, "phoenix"}, "Fort Mojave Indian Reservation"),
    ("Fort Yuma Indian Reservation", "split", {"phoenix", SD}, "Fort Yuma Indian Reservation"),
    ("Zuni Reservation", "split", {EP, "phoenix"}, "Zuni Reservation"),
    ("Jicarilla Apache Nation Reservation", "matched", {EP}, "Jicarilla Apache Nation Reservation"),
    ("Laguna Pueblo", "matched", {EP}, "Laguna Pueblo"),
    ("Pueblo of Taos", "matched", {EP}, "Pueblo of Taos"),
    ("Southern Ute Reservation", "matched", {"denver"}, "Southern Ute Reservation"),
    ("Ute Mountain Reservation", "split", {"denver", EP}, "Ute Mountain Reservation"),
    ("Uintah and Ouray Reservation", "matched", {"denver"}, "Uintah and Ouray Reservation"),
    ("Goshute Reservation", "split", {"denver", SF}, "Goshute Reservation"),
    ("Pyramid Lake Paiute Reservation", "matched", {SF}, "Pyramid Lake Paiute Reservation"),
    ("Walker River Reservation", "matched", {SF}, "Walker River Reservation"),
    ("Moapa River Indian Reservation", "matched", {LN}, "Moapa River Indian Reservation"),
    ("Duck Valley Indian Reservation", "split", {SF, "seattle"}, "Duck Valley Indian Reservation"),
    (
        "Fort McDermitt Indian Reservation",
        "split",
        {SF, "seattle"},
        "Fort McDermitt Indian Reservation",
    ),
    ("Summit Lake Reservation", "matched", {SF}, "Summit Lake Reservation"),
    ("Las Vegas Paiute Colony", "matched", {LN}, "Las Vegas Paiute Colony"),
    ("Fallon Paiute-Shoshone Reservation", "matched", {SF}, "Fallon Paiute-Shoshone Reservation"),
    ("Reno-Sparks Indian Colony", "matched", {SF}, "Reno-Sparks Indian Colony"),
    ("Yerington Reservation", "matched", {SF}, "Yerington Reservation"),
    ("Duckwater Reservation", "matched", {LN}, "Duckwater Reservation"),
    ("Yomba Reservation", "matched", {LN}, "Yomba Reservation"),
    ("Ely Shoshone Reservation", "matched", {SF}, "Ely Shoshone Reservation"),
    ("South Fork Reservation", "matched", {SF}, "South Fork Reservation"),
    ("Lovelock Indian Colony", "matched", {SF}, "Lovelock Indian Colony"),
    ("Winnemucca Indian Colony", "matched", {SF}, "Winnemucca Indian Colony"),
    ("Washoe Tribe Trust Lands", "matched", {SF}, "Washoe Tribe Trust Lands"),
    ("Timbi-Sha Shoshone Reservation", "split", {LN, SF}, "Timbi-Sha Shoshone Reservation"),
    (
        "Torres-Martinez Desert Cahuilla Indian Reservation",
        "split",
        {LN, SD},
        "Torres-Martinez Desert Cahuilla Indian Reservation",
    ),
    ("Pala Reservation", "matched", {SD}, "Pala Reservation"),
    ("Pechanga Reservation", "matched", {LN}, "Pechanga Reservation"),
    ("Morongo Reservation", "matched", {LN}, "Morongo Reservation"),
    ("Agua Caliente Indian Reservation", "matched", {LN}, "Agua Caliente Indian Reservation"),
    ("Soboba Reservation", "matched", {LN}, "Soboba Reservation"),
    ("Cabazon Reservation", "matched", {LN}, "Cabazon Reservation"),
    ("Cahuilla Reservation", "matched", {LN}, "Cahuilla Reservation"),
    ("Twenty-Nine Palms Reservation", "matched", {LN}, "Twenty-Nine Palms Reservation"),
    ("San Manuel Reservation", "matched", {LN}, "San Manuel Reservation"),
    ("Chemehuevi Reservation", "matched", {LN}, "Chemehuevi Reservation"),
    ("Santa Ynez Reservation", "matched", {LN}, "Santa Ynez Reservation"),
    ("Tule River Indian Reservation", "matched", {SF}, "Tule River Indian Reservation"),
    ("Bishop Paiute Reservation", "matched", {SF}, "Bishop Paiute Reservation"),
    ("Big Pine Paiute Reservation", "matched", {SF}, "Big Pine Paiute Reservation"),
    (
        "Lone Pine Paiute-Shoshone Reservation",
        "matched",
        {SF},
        "Lone Pine Paiute-Shoshone Reservation",
    ),
    ("Benton Paiute Reservation", "matched", {SF}, "Benton Paiute Reservation"),
    ("Barona Reservation", "matched", {SD}, "Barona Reservation"),
    ("Viejas Reservation", "matched", {SD}, "Viejas Reservation"),
    ("Sycuan Reservation", "matched", {SD}, "Sycuan Reservation"),
    ("Campo Indian Reservation", "matched", {SD}, "Campo Indian Reservation"),
    ("Rincon Reservation", "matched", {SD}, "Rincon Reservation"),
    ("Pauma and Yuima Reservation", "matched", {SD}, "Pauma and Yuima Reservation"),
    ("La Jolla Reservation", "matched", {SD}, "La Jolla Reservation"),
    ("Los Coyotes Reservation", "matched", {SD}, "Los Coyotes Reservation"),
    ("Santa Ysabel Reservation", "matched", {SD}, "Santa Ysabel Reservation"),
    ("Mesa Grande Reservation", "matched", {SD}, "Mesa Grande Reservation"),
    ("San Pasqual Reservation", "matched", {SD}, "San Pasqual Reservation"),
    ("Hoopa Valley Reservation", "matched", {SF}, "Hoopa Valley Reservation"),
    ("Yurok Reservation", "matched", {SF}, "Yurok Reservation"),
    ("Round Valley Reservation", "matched", {SF}, "Round Valley Reservation"),
    ("Karuk Reservation", "matched", {SF}, "Karuk Reservation"),
    ("Fort Bidwell Reservation", "matched", {SF}, "Fort Bidwell Reservation"),
    ("Susanville Indian Rancheria", "matched", {SF}, "Susanville Indian Rancheria"),
    ("Tuolumne Rancheria", "matched", {SF}, "Tuolumne Rancheria"),
    ("Jackson Rancheria", "matched", {SF}, "Jackson Rancheria"),
    ("Rumsey Indian Rancheria", "matched", {SF}, "Rumsey Indian Rancheria"),
    ("Table Mountain Rancheria", "matched", {SF}, "Table Mountain Rancheria"),
    ("Santa Rosa Rancheria", "matched", {SF}, "Santa Rosa Rancheria"),
    ("Picayune Rancheria", "matched", {SF}, "Picayune Rancheria"),
    ("Auburn Rancheria", "matched", {SF}, "Auburn Rancheria"),
    ("Shingle Springs Rancheria", "matched", {SF}, "Shingle Springs Rancheria"),
    ("Graton Rancheria", "matched", {SF}, "Graton Rancheria"),
    ("Smith River Rancheria", "matched", {SF}, "Smith River Rancheria"),
    ("Hopland Rancheria", "matched", {SF}, "Hopland Rancheria"),
    ("Alabama-Coushatta Reservation", "matched", {HOU}, "Alabama-Coushatta Reservation"),
    ("Ysleta del Sur Pueblo Reservation", "matched", {EP}, "Ysleta del Sur Pueblo Reservation"),
    ("Kickapoo Reservation, Texas", "matched", {SA}, "Kickapoo Reservation, Texas"),
    ("Shinnecock Reservation", "matched", {"new-york"}, "Shinnecock Reservation"),
    ("Poospatuck Reservation", "matched", {"new-york"}, "Poospatuck Reservation"),
    ("Onondaga Reservation", "matched", {"detroit"}, "Onondaga Reservation"),
    ("Allegany Reservation", "matched", {"detroit"}, "Allegany Reservation"),
    ("Cattaraugus Reservation", "matched", {"detroit"}, "Cattaraugus Reservation"),
    ("Tonawanda Reservation", "matched", {"detroit"}, "Tonawanda Reservation"),
    ("Tuscarora Reservation", "matched", {"detroit"}, "Tuscarora Reservation"),
    ("St. Regis Mohawk Reservation", "matched", {"detroit"}, "St. Regis Mohawk Reservation"),
    ("Oneida Indian Nation Territory", "matched", {"detroit"}, "Oneida Indian Nation Territory"),
    ("Pamunkey Indian Reservation", "uncovered", set(), "Pamunkey Indian Reservation"),
    ("Mattaponi Indian Reservation", "uncovered", set(), "Mattaponi Indian Reservation"),
    ("Monacan Indian Nation lands", "uncovered", set(), "Monacan Indian Nation lands"),
    ("Big Cypress Reservation", "overlap", FL, "Big Cypress Reservation"),
    ("Miccosukee Reservation", "overlap", FL, "Miccosukee Reservation"),
    (
        "Muscogee (Creek) Nation Reservation",
        "matched",
        {DAL},
        "Muscogee (Creek) Nation Reservation",
    ),
    ("Osage Reservation", "matched", {DAL}, "Osage Reservation"),
    (
        "Prairie Band Potawatomi Reservation",
        "matched",
        {"st-paul"},
        "Prairie Band Potawatomi Reservation",
    ),
    ("Iowa Reservation", "matched", {"st-paul"}, "Iowa Reservation"),
    (
        "Sac and Fox Nation of Missouri Reservation",
        "matched",
        {"st-paul"},
        "Sac and Fox Nation of Missouri Reservation",
    ),
    ("Omaha Reservation", "matched", {"st-paul"}, "Omaha Reservation"),
    ("Winnebago Reservation", "matched", {"st-paul"}, "Winnebago Reservation"),
    ("Meskwaki Settlement", "matched", {"st-paul"}, "Meskwaki Settlement"),
    ("Rosebud Reservation", "matched", {"st-paul"}, "Rosebud Reservation"),
    (
        "Cheyenne River Indian Reservation",
        "matched",
        {"st-paul"},
        "Cheyenne River Indian Reservation",
    ),
    (
        "Standing Rock Indian Reservation",
        "matched",
        {"st-paul"},
        "Standing Rock Indian Reservation",
    ),
    ("Lake Traverse Reservation", "matched", {"st-paul"}, "Lake Traverse Reservation"),
    ("Fort Berthold Reservation", "matched", {"st-paul"}, "Fort Berthold Reservation"),
    ("Red Lake Indian Reservation", "matched", {"st-paul"}, "Red Lake Indian Reservation"),
    ("Menominee Reservation", "matched", {"chicago"}, "Menominee Reservation"),
    ("Isabella Reservation", "matched", {"detroit"}, "Isabella Reservation"),
    ("Pokagon Reservation", "split", {"chicago", "detroit"}, "Pokagon Reservation"),
    ("Blackfeet Indian Reservation", "matched", {"denver"}, "Blackfeet Indian Reservation"),
    ("Crow Indian Reservation", "matched", {"denver"}, "Crow Indian Reservation"),
    ("Flathead Indian Reservation", "matched", {"denver"}, "Flathead Indian Reservation"),
    ("Nez Perce Reservation", "matched", {"seattle"}, "Nez Perce Reservation"),
    ("Fort Hall Reservation", "matched", {"seattle"}, "Fort Hall Reservation"),
    ("Yakama Reservation", "matched", {"seattle"}, "Yakama Reservation"),
    ("Colville Reservation", "matched", {"seattle"}, "Colville Reservation"),
    ("Warm Springs Reservation", "matched", {"seattle"}, "Warm Springs Reservation"),
    ("Annette Island Reserve", "matched", {"seattle"}, "Annette Island Reserve"),
    ("Qualla Boundary", "matched", {"atlanta"}, "Qualla Boundary"),
    ("Catawba Reservation", "matched", {"atlanta"}, "Catawba Reservation"),
    (
        "Mississippi Choctaw Reservation",
        "matched",
        {"new-orleans"},
        "Mississippi Choctaw Reservation",
    ),
    ("Poarch Creek Reservation", "matched", {"new-orleans"}, "Poarch Creek Reservation"),
    ("Coushatta Reservation", "matched", {"new-orleans"}, "Coushatta Reservation"),
    ("Mashantucket Pequot Reservation", "matched", {"boston"}, "Mashantucket Pequot Reservation"),
    (
        "Penobscot Indian Island Reservation",
        "matched",
        {"boston"},
        "Penobscot Indian Island Reservation",
    ),
    # the forms people type them in
    ("Pyramid Lake Paiute Reservation, NV", "matched", {SF}, "Pyramid Lake Paiute Reservation"),
    ("Pyramid Lake Reservation", "matched", {SF}, "Pyramid Lake Paiute Reservation"),
    ("Moapa River Indian Reservation, NV", "matched", {LN}, "Moapa River Indian Reservation"),
    ("Moapa Indian Reservation", "matched", {LN}, "Moapa River Indian Reservation"),
    ("Pala Reservation, CA", "matched", {SD}, "Pala Reservation"),
    ("Alabama-Coushatta Reservation, TX", "matched", {HOU}, "Alabama-Coushatta Reservation"),
    ("Shinnecock Reservation, NY", "matched", {"new-york"}, "Shinnecock Reservation"),
    ("Onondaga Reservation, NY", "matched", {"detroit"}, "Onondaga Reservation"),
    (
        "Duck Valley Indian Reservation, ID",
        "split",
        {SF, "seattle"},
        "Duck Valley Indian Reservation",
    ),
    ("Colorado River Reservation", "split", {LN, "phoenix"}, "Colorado River Indian Reservation"),
    ("Tulalip Reservation, WA", "matched", {"seattle"}, "Tulalip Reservation"),
    ("Tigua Reservation", "matched", {EP}, "Ysleta del Sur Pueblo Reservation"),
    ("Kickapoo Reservation, TX", "matched", {SA}, "Kickapoo Reservation, Texas"),
    ("Kickapoo Reservation, KS", "matched", {"st-paul"}, "Kickapoo Reservation, Kansas"),
    ("Oneida Reservation, WI", "matched", {"chicago"}, "Oneida Reservation, Wisconsin"),
    ("Brighton Reservation, FL", "overlap", FL, "Brighton Seminole Indian Reservation"),
    ("Muscogee Nation", "matched", {DAL}, "Muscogee (Creek) Nation Reservation"),
    ("Papago Reservation", "matched", {"phoenix"}, "Tohono O'odham Nation Reservation"),
    ("Yakama Indian Reservation, WA", "matched", {"seattle"}, "Yakama Reservation"),  # not Nooksack
    (
        "Fort Mojave Indian Reservation, NV",
        "split",
        {LN, "phoenix"},
        "Fort Mojave Indian Reservation",
    ),
    # the names people type for them
    ("NAS Pensacola", "overlap", FL, "Naval Air Station Pensacola"),
    ("Dulles Airport", "matched", {HQ}, "Washington Dulles International Airport"),
    ("IAD", "matched", {HQ}, "Washington Dulles International Airport"),
    ("Anza-Borrego", "split", {LN, SD}, "Anza-Borrego Desert State Park"),
    ("MCB Camp Pendleton", "matched", {SD}, "Marine Corps Base Camp Pendleton"),
    ("Fort Bragg Army base", "matched", {"atlanta"}, "Fort Liberty"),
    ("Fort Hood Army base", "matched", {SA}, "Fort Cavazos"),
    ("Fort Johnson, LA", "matched", {"new-orleans"}, "Fort Johnson, Louisiana"),
    ("Fort Bliss, NM", "matched", {EP}, "Fort Bliss"),
    ("Fort Campbell, TN", "split", {"chicago", "new-orleans"}, "Fort Campbell"),
    ("Hoover Dam, AZ", "split", {LN, "phoenix"}, "Hoover Dam"),
    ("Lake Texoma, OK", "matched", {DAL}, "Lake Texoma"),
    ("Boulder Dam", "split", {LN, "phoenix"}, "Hoover Dam"),
    ("LAX", "matched", {LN}, "Los Angeles International Airport"),
    ("Kennedy Airport", "matched", {"new-york"}, "John F. Kennedy International Airport"),
    ("BWI", "matched", {HQ}, "Baltimore/Washington International Airport"),
    ("Reagan National", "matched", {HQ}, "Ronald Reagan Washington National Airport"),
    ("O'Hare", "matched", {"chicago"}, "O'Hare International Airport"),
    ("Clarks Hill Lake", "matched", {"atlanta"}, "J. Strom Thurmond Lake"),
    ("Buggs Island Lake", "split", {"atlanta"}, "Kerr Lake"),
    ("Fort Gordon Army base", "matched", {"atlanta"}, "Fort Eisenhower"),
    ("USMA", "matched", {"new-york"}, "United States Military Academy"),
    ("Lake Texoma area", "matched", {DAL}, "Lake Texoma"),
    ("the Conejo", "matched", {LN}, "Conejo Valley"),
]


@pytest.mark.parametrize(("query", "status", "offices", "name"), MORE_REGIONS + LANDMARKS)
def test_more_regions_people_say(
    locator: Locator, query: str, status: str, offices: set[str], name: str
) -> None:
    """MORE_REGIONS and LANDMARKS: each the named area, with the offices of its counties."""
    a = locator.locate(query)
    assert a.location is not None and a.location.kind == "area", sentence(a)
    assert a.location.name == name, sentence(a)
    assert (a.status, {o.id for o in a.responsible}) == (status, offices), sentence(a)


# a region over the line between offices: each office with its own counties ("Name, ST")
SPLITS = [
    (
        "Golden Crescent",
        {
            "houston": {
                "Calhoun County, TX",
                "DeWitt County, TX",
                "Goliad County, TX",
                "Jackson County, TX",
                "Lavaca County, TX",
                "Victoria County, TX",
            },
            "san-antonio": {"Gonzales County, TX"},
        },
    ),
    (
        "Padre Island",
        {
            "houston": {"Nueces County, TX", "Kleberg County, TX", "Kenedy County, TX"},
            "san-antonio": {"Willacy County, TX", "Cameron County, TX"},
        },
    ),
    (
        "Twin Ports",
        {
            "st-paul": {"Carlton County, MN", "St. Louis County, MN"},
            "chicago": {"Douglas County, WI"},
        },
    ),
    ("Lake Mead", {"laguna-niguel": {"Clark County, NV"}, "phoenix": {"Mohave County, AZ"}}),
    (
        "Yellowstone National Park",
        {
            "denver": {
                "Park County, WY",
                "Teton County, WY",
                "Park County, MT",
                "Gallatin County, MT",
            },
            "seattle": {"Fremont County, ID"},
        },
    ),
    (
        "Twin Tiers",
        {
            "detroit": {
                "Allegany County, NY",
                "Broome County, NY",
                "Cattaraugus County, NY",
                "Chautauqua County, NY",
                "Chemung County, NY",
                "Schuyler County, NY",
                "Steuben County, NY",
                "Tioga County, NY",
            },
            "philadelphia": {
                "Bradford County, PA",
                "McKean County, PA",
                "Potter County, PA",
                "Susquehanna County, PA",
                "Tioga County, PA",
            },
        },
    ),
    (
        "Great Smoky Mountains",
        {
            "new-orleans": {"Blount County, TN", "Cocke County, TN", "Sevier County, TN"},
            "atlanta": {"Haywood County, NC", "Swain County, NC"},
        },
    ),
    (
        "Salton Sea",
        {"san-diego": {"Imperial County, CA"}, "laguna-niguel": {"Riverside County, CA"}},
    ),
    (
        "Death Valley National Park",
        {
            "san-francisco": {"Inyo County, CA"},
            "laguna-niguel": {
                "San Bernardino County, CA",
                "Esmeralda County, NV",
                "Nye County, NV",
            },
        },
    ),
    (
        "Land Between the Lakes",
        {"chicago": {"Lyon County, KY", "Trigg County, KY"}, "new-orleans": {"Stewart County, TN"}},
    ),
    (
        "Navajo Nation",
        {
            "phoenix": {"Apache County, AZ", "Coconino County, AZ", "Navajo County, AZ"},
            "el-paso": {"McKinley County, NM", "San Juan County, NM"},
            "denver": {"San Juan County, UT"},
        },
    ),
    (
        "Gateway National Recreation Area",
        {
            "new-york": {"Kings County, NY", "Queens County, NY", "Richmond County, NY"},
            "newark": {"Monmouth County, NJ"},
        },
    ),
    (
        "Champlain Valley",
        {
            "boston": {
                "Addison County, VT",
                "Chittenden County, VT",
                "Franklin County, VT",
                "Grand Isle County, VT",
            },
            "detroit": {"Clinton County, NY", "Essex County, NY"},
        },
    ),
    (
        "Klamath Basin",
        {
            "seattle": {"Klamath County, OR"},
            "san-francisco": {"Modoc County, CA", "Siskiyou County, CA"},
        },
    ),
    (
        "Huntington-Ashland",
        {
            "philadelphia": {"Cabell County, WV", "Putnam County, WV", "Wayne County, WV"},
            "chicago": {"Boyd County, KY", "Carter County, KY", "Greenup County, KY"},
            "detroit": {"Lawrence County, OH"},
        },
    ),
    (
        "Edwards Air Force Base",
        {
            "san-francisco": {"Kern County, CA"},
            "laguna-niguel": {"Los Angeles County, CA", "San Bernardino County, CA"},
        },
    ),
    ("Hoover Dam", {"laguna-niguel": {"Clark County, NV"}, "phoenix": {"Mohave County, AZ"}}),
    (
        "Fort Campbell",
        {
            "chicago": {"Christian County, KY", "Trigg County, KY"},
            "new-orleans": {"Montgomery County, TN", "Stewart County, TN"},
        },
    ),
    (
        "Cleveland National Forest",
        {
            "san-diego": {"San Diego County, CA"},
            "laguna-niguel": {"Riverside County, CA", "Orange County, CA"},
        },
    ),
]


@pytest.mark.parametrize(("query", "by_office"), SPLITS)
def test_a_region_over_an_offices_line_names_each_office_with_its_counties(
    locator: Locator, query: str, by_office: dict[str, set[str]]
) -> None:
    a = locator.locate(query)
    assert a.status == "split", sentence(a)
    names = {c.fips: f"{c.name}, {c.state}" for c in a.counties}
    got = {o.id: {names[f] for f in o.counties or ()} for o in a.offices}
    assert got == by_office, sentence(a)
    assert set(names.values()) == set().union(*by_office.values())


def test_a_region_that_half_lies_in_no_offices_territory_says_so(locator: Locator) -> None:
    """The Great Dismal Swamp: three North Carolina counties are Atlanta's; Chesapeake and Suffolk,
    Virginia, are outside every territory."""
    a = locator.locate("Great Dismal Swamp")
    assert {o.id for o in a.responsible} == {"atlanta"}
    uncovered = {c.name for c in a.counties if not c.offices}
    assert uncovered == {"Chesapeake city", "Suffolk city"}, sentence(a)


@pytest.mark.parametrize(
    ("query", "place"),
    [
        ("Winter Garden", "Winter Garden, FL"),  # the Florida city, not the Texas region
        ("Upper Valley, NV", "Upper Valley, NV"),  # a place of Nevada; the region needs NH or VT
        ("Cedar Valley, IA", "Cedar Valley, IA"),
        ("Fox Valley, IL", "Fox Valley, IL"),
        ("Paradise Valley, AZ", "Paradise Valley, AZ"),  # Montana's valley needs MT
        ("Star Valley, AZ", "Star Valley, AZ"),
        ("Grand Canyon", "Grand Canyon, AZ"),
        ("Death Valley", "Death Valley, CA"),
        ("Superior, WI", "Superior, WI"),  # a Twin Port, not the Twin Ports
        ("Duluth, MN", "Duluth, MN"),
        # a base's or lake's other names that are places: the place
        ("Fort Johnson", "Fort Johnson, NY"),  # the Louisiana base needs LA
        ("Fort Benning", "Fort Benning, GA"),  # the CDP; the base is "Fort Moore"
        ("Camp Pendleton", "Camp Pendleton, CA"),
        ("Shasta Lake", "Shasta Lake, CA"),  # the city; the reservoir is "Lake Shasta"
        ("ORD", "Ord, NE"),  # never O'Hare
        # a reservation's name that is also a place's (a CDP or post office): the place
        ("Ysleta del Sur Pueblo, TX", "Ysleta Del Sur Pueblo, TX"),
        ("Onondaga Nation, NY", "Onondaga Nation, NY"),
        ("Taos Pueblo", "Taos Pueblo, NM"),
        ("Hopi Indian Reservation, AZ", "Hopi Indian Reservation, AZ"),
        ("Standing Rock Reservation", "Standing Rock Reservation, SD"),
    ],
)
def test_a_region_never_takes_a_real_places_name(locator: Locator, query: str, place: str) -> None:
    a = locator.locate(query)
    assert a.location is not None and a.location.kind == "place", sentence(a)
    assert a.location.name == place, sentence(a)


def test_every_state_has_a_region_of_its_own(ctx: Context) -> None:
    """Every state has at least three regions people say that lie in it alone (DC is in
    regions of several states: the National Capital Region, the DMV, Inside the Beltway)."""
    index = AreaIndex(ctx.gazetteer, ctx.regions)
    said = {a for a in index.by_key.values() if a.kind in ("metro", "vernacular")}
    own: dict[str, set[str]] = {}
    for a in said:
        if len(a.states) == 1:
            own.setdefault(a.state, set()).add(a.name)
    fifty = {s.usps for s in ctx.gazetteer.states if not s.territory} - {"DC"}
    thin = {st: sorted(own.get(st, ())) for st in fifty if len(own.get(st, ())) < 3}
    assert not thin, thin
