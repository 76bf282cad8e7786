"""Issue 20's rules as a table, written from the rules (not from the answers): every real place is
found where it is, population ranks a shared name, the state decides an unknown name only where it
alone decides, a guess is never confident, a state's name offers its major place.

Each row: a query, the status, the offices (the responsible ones; near_boundary rows name both
sides), and optional checks: the most confidence allowed, the county the answer must hold, an
alternative or suggestion it must offer.
"""

from __future__ import annotations

from typing import NamedTuple

import pytest

from fieldoffice.core.models import CONFIDENCE_RANK
from fieldoffice.directory.context import load_context
from fieldoffice.lookup.locate import Locator
from fieldoffice.lookup.wording import sentence


class Row(NamedTuple):
    query: str
    status: str
    offices: frozenset[str]
    at_most: str | None = None  # the answer's confidence may be no higher
    fips: str | None = None  # a county the answer must hold
    offers: str | None = None  # an alternative or suggestion the answer must name
    unrecognised: bool = False  # the answer must say the place was not recognised
    within: str | None = None  # ... only a part of it, and answer for this place it names


def r(query: str, status: str, *offices: str, **kw: object) -> Row:
    return Row(query, status, frozenset(offices), **kw)  # type: ignore[arg-type]


# The state alone decides here: one office has every county (from the directory's AOR text).
ONE_OFFICE = {
    "AL": "new-orleans", "AK": "seattle", "AZ": "phoenix", "AR": "new-orleans", "CO": "denver",
    "CT": "boston", "DE": "philadelphia", "DC": "washington-dc-headquarters", "GA": "atlanta",
    "HI": "laguna-niguel", "ID": "seattle", "IL": "chicago", "IN": "chicago", "IA": "st-paul",
    "KS": "st-paul", "KY": "chicago", "LA": "new-orleans", "ME": "boston",
    "MD": "washington-dc-headquarters", "MA": "boston", "MI": "detroit", "MN": "st-paul",
    "MS": "new-orleans", "MO": "st-paul", "MT": "denver", "NE": "st-paul", "NH": "boston",
    "NJ": "newark", "NM": "el-paso", "NC": "atlanta", "ND": "st-paul", "OH": "detroit",
    "OK": "dallas", "OR": "seattle", "PA": "philadelphia", "RI": "boston", "SC": "atlanta",
    "SD": "st-paul", "TN": "new-orleans", "UT": "denver", "VT": "boston", "WA": "seattle",
    "WV": "philadelphia", "WI": "chicago", "WY": "denver",
}  # fmt: skip
SPLIT = ("CA", "NV", "NY", "TX", "VA")
NOWHERE = "Qxzvbtrw Jkpql"  # no place's name, and close to none

# A part named inside a place or county of the state ("Neighbourhood, City, ST"): the part where
# the data knows it there; else the place named, at most a guess, saying so.
# fmt: off
PARTS: list[Row] = [
    r(f"{NOWHERE}, Houston, TX", "matched", "houston", at_most="medium", fips="48201", within="Houston, TX"),
    r(f"{NOWHERE}, Austin, TX", "matched", "san-antonio", at_most="medium", fips="48453", within="Austin, TX"),
    r(f"{NOWHERE}, Las Vegas, NV", "matched", "laguna-niguel", at_most="medium", fips="32003", within="Las Vegas, NV"),
    r(f"{NOWHERE}, Arlington, VA", "matched", "washington-dc-headquarters", at_most="medium", fips="51013", within="Arlington, VA"),
    r(f"{NOWHERE}, Brooklyn, NY", "matched", "new-york", at_most="medium", fips="36047", within="Brooklyn, NY"),
    r(f"{NOWHERE}, Staten Island, NY", "matched", "new-york", at_most="medium", fips="36085", within="Staten Island, NY"),
    r(f"{NOWHERE}, Chicago, IL", "matched", "chicago", at_most="medium", fips="17031", within="Chicago, IL"),
    r(f"{NOWHERE}, Sacramento County, CA", "matched", "san-francisco", at_most="medium", fips="06067", within="Sacramento County, CA"),
    r(f"{NOWHERE}, New York, NY", "near_boundary", "new-york", "newark", at_most="medium", within="New York City, NY"),
    r(f"{NOWHERE}, Philadelphia, PA", "near_boundary", "philadelphia", "newark", at_most="medium", within="Philadelphia, PA"),
    # the part known there, as a place or a named area: the part
    r("Astoria, Queens, NY", "matched", "new-york", fips="36081"),
    r("Logan Square, Chicago, IL", "matched", "chicago", fips="17031"),
    r("Fishtown, Philadelphia, PA", "near_boundary", "philadelphia", "newark", fips="42101"),  # 1.5 km from Camden
    r("Echo Park, Los Angeles, CA", "matched", "laguna-niguel", fips="06037"),
    r("Westwood, Los Angeles, CA", "matched", "laguna-niguel", fips="06037"),  # not Lassen's
    r("Bed-Stuy, Brooklyn, NY", "matched", "new-york", fips="36047"),  # neighbourhoods.toml
    # a neighbourhood by a name that needs its state is a reading: Hillcrest is San Diego's, and
    # a Kern County CDP GeoNames lacks (SimpleMaps has it); never more than a guess
    r("Hillcrest, CA", "matched", "san-diego", at_most="medium"),
    r("Montrose, TX", "matched", "houston", at_most="medium"),
    r("Summerlin, NV", "matched", "laguna-niguel", fips="32003"),  # a name of its own
    r("Montrose, Houston, TX", "matched", "houston", fips="48201"),
    r("Bed-Stuy, Houston, TX", "matched", "houston", at_most="medium", within="Houston, TX"),  # not there
    r("Houston, Harris County, TX", "matched", "houston", fips="48201"),
    r("Springfield, Sangamon County, IL", "matched", "chicago", fips="17167"),
    r("Fort Worth, Tarrant, TX", "matched", "dallas", fips="48439"),
    r(f"{NOWHERE}, Jkpql, TX", "not_found"),  # nothing named that the data knows
    # "Part, City" with no state: in the city's largest place where it outweighs the others
    r("Crestwood, Yonkers", "matched", "new-york", at_most="medium-high"),
    r("Sunset Heights, El Paso", "matched", "el-paso", at_most="medium-high"),
    r(f"{NOWHERE}, Houston", "not_found", offers="Houston, TX"),  # two readings: offered only
    r(f"{NOWHERE}, Springfield", "not_found"),  # no Springfield outweighs the others
    r("Windsor, Ontario", "not_found"),  # no part known in Ontario, CA: never a guess there
    r("Tijuana, Mexico", "not_found"),  # nor in Mexico, MO
    r("Niagara Falls, Ontario", "not_found"),
    r("Qxzv, St Paul", "not_found"),  # read as a street in St. Paul: the part is still unknown
]
# fmt: on

ROWS: list[Row] = [
    # -- rule 3: an unknown name where the state alone decides: that office, not recognised ------
    *(
        r(f"{NOWHERE}, {st}", "matched", o, at_most="medium", unrecognised=True)
        for st, o in ONE_OFFICE.items()
    ),
    # ... and in a state split between offices (or claimed twice), not_found
    *(r(f"{NOWHERE}, {st}", "not_found") for st in SPLIT),
    # ... but a state whose every county has the same offices decides too: overlap, not recognised
    r(f"{NOWHERE}, FL", "overlap", "miami", "tampa", at_most="medium", unrecognised=True),
    r(
        "Westwood Lakes, FL",
        "overlap",
        "miami",
        "tampa",
        at_most="medium",
        offers="Westwood Lake, FL",
    ),
    # -- rule 1: census-designated places, neighbourhoods, bases: found where they are ----------
    r("Paradise, NV", "matched", "laguna-niguel", fips="32003"),
    r("Sunrise Manor, NV", "matched", "laguna-niguel", fips="32003"),
    r("Spring Valley, NV", "matched", "laguna-niguel", fips="32003"),
    r("Enterprise, NV", "matched", "laguna-niguel", fips="32003"),
    r("Whitney, NV", "matched", "laguna-niguel", fips="32003"),
    r("Winchester, NV", "matched", "laguna-niguel", fips="32003"),
    r("Spanish Springs, NV", "matched", "san-francisco", fips="32031"),
    r("East New York, NY", "matched", "new-york", fips="36047"),
    r("Brownsville, NY", "matched", "new-york", fips="36047"),
    r("Bensonhurst, NY", "matched", "new-york", fips="36047"),
    r("Astoria, NY", "matched", "new-york", fips="36081"),
    r("College, AK", "matched", "seattle", fips="02090"),
    r("Eielson Air Force Base, AK", "matched", "seattle", fips="02090"),
    r("Eielson AFB, AK", "matched", "seattle", fips="02090"),
    r("Badger, AK", "matched", "seattle", fips="02090"),
    r("Knik-Fairview, AK", "matched", "seattle", fips="02170"),
    r("Thermalito, CA", "matched", "san-francisco", fips="06007"),
    r("Commerce, CA", "matched", "laguna-niguel", fips="06037"),
    r("East Los Angeles, CA", "matched", "laguna-niguel", fips="06037"),
    r("Florence-Graham, CA", "matched", "laguna-niguel", fips="06037"),
    r("Arden-Arcade, CA", "matched", "san-francisco", fips="06067"),
    r("Spring Valley, CA", "matched", "san-diego", fips="06073"),
    r(
        "Woodlawn, VA",
        "matched",
        "washington-dc-headquarters",
        fips="51059",
        offers="Woodlawn (Carroll County), VA",
    ),
    r("Woodlawn (Carroll County), VA", "uncovered", fips="51035"),
    r("Annandale, VA", "matched", "washington-dc-headquarters", fips="51059"),
    r("Lake Ridge, VA", "matched", "washington-dc-headquarters", fips="51153"),
    r("Dale City, VA", "matched", "washington-dc-headquarters", fips="51153"),
    r("The Woodlands, TX", "matched", "houston", fips="48339"),
    r("Mission Bend, TX", "matched", "houston"),
    r("Columbia, MD", "matched", "washington-dc-headquarters", fips="24027"),
    r("Silver Spring, MD", "matched", "washington-dc-headquarters", fips="24031"),
    r("Ellicott City, MD", "matched", "washington-dc-headquarters", fips="24027"),
    r("Kendall, FL", "overlap", "miami", "tampa", fips="12086"),
    r("Brandon, FL", "overlap", "miami", "tampa", fips="12057"),
    r("Metairie, LA", "matched", "new-orleans", fips="22051"),
    r("Highlands Ranch, CO", "matched", "denver", fips="08035"),
    r("Ewa Gentry, HI", "matched", "laguna-niguel", fips="15003"),
    r("Levittown, NY", "matched", "new-york", fips="36059"),
    r("Hicksville, NY", "matched", "new-york", fips="36059"),
    r("Brandon, SD", "matched", "st-paul"),
    r("Bel Air South, MD", "matched", "washington-dc-headquarters", fips="24025"),
    r("Cheektowaga, NY", "matched", "detroit", fips="36029"),
    # -- rule 1: a place's county is its own point's, never its ZIP's filing county --------------
    r("San Miguel, CA", "near_boundary", "laguna-niguel", "san-francisco", fips="06079"),
    # -- rule 1: a place within the boundary tolerance of another territory says so --------------
    r("Philadelphia, PA", "near_boundary", "philadelphia", "newark", fips="42101"),
    r("Camden, NJ", "near_boundary", "newark", "philadelphia", fips="34007"),
    r("Needles, CA", "near_boundary", "laguna-niguel", "phoenix", fips="06071"),
    r("Jersey City, NJ", "near_boundary", "newark", "new-york", fips="34017"),
    r("Hoboken, NJ", "near_boundary", "newark", "new-york", fips="34017"),
    r("St. Louis, MO", "near_boundary", "st-paul", "chicago", fips="29510"),
    r("East St. Louis, IL", "near_boundary", "chicago", "st-paul", fips="17163"),
    r("Texarkana, TX", "near_boundary", "dallas", "new-orleans", fips="48037"),
    r("Texarkana, AR", "near_boundary", "new-orleans", "dallas", fips="05091"),
    r("Laughlin, NV", "near_boundary", "laguna-niguel", "phoenix", fips="32003"),
    r("Stateline, NV", "matched", "san-francisco", fips="32005"),  # California across: also SF
    r("Bristol, TN", "near_boundary", "new-orleans", fips="47163"),
    r("Yonkers, NY", "near_boundary", "new-york", "newark", fips="36119"),
    r("Port Jervis, NY", "near_boundary", "new-york", "newark", "philadelphia", fips="36071"),
    # -- rule 2: same-named places within one state ------------------------------------------------
    r("Westwood, CA", "ambiguous", offers="Westwood (Los Angeles County), CA"),
    r("Brentwood, CA", "ambiguous", offers="Brentwood (Contra Costa County), CA"),
    r("Westwood (Los Angeles County), CA", "matched", "laguna-niguel", fips="06037"),
    r("Westwood (Lassen County), CA", "matched", "san-francisco", fips="06035"),
    r("Brentwood (Los Angeles County), CA", "matched", "laguna-niguel", fips="06037"),
    # both New York Office's: the largest answers, at its point (Manhattan, by the Hudson)
    r("Inwood, NY", "near_boundary", "new-york", "newark", offers="Inwood (Nassau County), NY"),
    r("Milton, NY", "ambiguous", offers="Milton (Ulster County), NY"),  # 3,087 and 1,403
    # -- rule 2: bare names ---------------------------------------------------------------------
    r("Columbia", "ambiguous", offers="Columbia, MO"),
    r("Springfield", "ambiguous", offers="Springfield, IL"),
    r("Aurora", "ambiguous", offers="Aurora, IL"),
    r("Arlington", "ambiguous", offers="Arlington, VA"),
    r("Glendale", "ambiguous", offers="Glendale, CA"),
    r("Pasadena", "ambiguous", offers="Pasadena, TX"),
    r("Peoria", "ambiguous", offers="Peoria, IL"),
    r("Rochester", "ambiguous", offers="Rochester, MN"),
    r("Richmond", "ambiguous", offers="Richmond, CA"),
    r("Portland", "matched", "seattle", offers="Portland, ME"),
    r("Houston", "matched", "houston", offers="Houston, TX".replace("TX", "MO")),
    r("Phoenix", "matched", "phoenix"),
    r("Columbus", "matched", "detroit", offers="Columbus, GA"),
    r("Sacramento", "matched", "san-francisco"),
    r("Denver", "matched", "denver"),
    r("Paradise", "matched", "laguna-niguel", offers="Paradise, CA"),
    r("Sunrise Manor", "matched", "laguna-niguel"),
    r("Eielson Air Force Base", "matched", "seattle"),
    r("Albuquerque", "matched", "el-paso"),
    r("Chicago", "matched", "chicago"),
    r("Boise", "matched", "seattle"),
    r("Atlanta", "matched", "atlanta"),
    r("Milwaukee", "matched", "chicago"),
    r("Omaha", "matched", "st-paul"),
    r("Tulsa", "matched", "dallas"),
    # -- rule 4: a guess is never confident; it never changes the state's office ----------------
    r("Pheonix, AZ", "matched", "phoenix", at_most="medium", offers="Phoenix, AZ"),
    r("Albuqerque, NM", "matched", "el-paso", at_most="medium", offers="Albuquerque, NM"),
    r("Anchorge, AK", "matched", "seattle", at_most="medium", offers="Anchorage, AK"),
    r("Colege, AK", "matched", "seattle", at_most="medium", offers="College, AK"),
    r("Minneapols, MN", "matched", "st-paul", at_most="medium", offers="Minneapolis, MN"),
    r("Milwaukie, WI", "matched", "chicago", at_most="medium"),
    r("Pittsburg, PA", "matched", "philadelphia", at_most="medium"),
    r(
        "Cincinatti, OH",
        "near_boundary",
        "detroit",
        "chicago",
        at_most="medium",
        offers="Cincinnati, OH",
    ),
    r("Louisvile, KY", "matched", "chicago", at_most="medium", offers="Louisville, KY"),
    r("Tuscon, AZ", "matched", "phoenix", at_most="medium"),
    # in a state split between offices a reading would choose the office: a suggestion only
    r("Thermalto, CA", "not_found", offers="Thermalito, CA"),
    r("San Fransisco, CA", "not_found", offers="San Francisco, CA"),
    r("Sacremento, CA", "not_found", offers="Sacramento, CA"),
    r("Houstn, TX", "not_found", offers="Houston, TX"),
    r("Sunrize Manor, NV", "not_found", offers="Sunrise Manor, NV"),
    r("Buffallo, NY", "not_found", offers="Buffalo, NY"),
    # an exact name is never re-read as another
    r("Thermal, CA", "matched", "laguna-niguel", fips="06065"),
    r("York, NY", "matched", "detroit"),
    r("Brownville, NY", "ambiguous", offers="Brownville (Jefferson County), NY"),
    r("Paradise Valley, NV", "matched", "san-francisco", fips="32013"),
    r("Centralia, PA", "matched", "philadelphia"),
    # a place named with a compass word is never re-read as the region of those words
    r("Central, LA", "matched", "new-orleans", fips="22033"),  # a city of 29,000, not Cenla
    r("Central, TN", "matched", "new-orleans", fips="47097"),  # not Middle Tennessee
    # -- rule 9: a state's name that is also a major place's ------------------------------------
    r(
        "Washington", "matched", "seattle", at_most="medium", offers="Washington, DC"
    ),  # DC may be meant
    r("New York", "split", "new-york", "detroit", offers="New York City, NY"),
    r("Nevada", "split", "san-francisco", "laguna-niguel"),
    # an area's everyday name that a major place elsewhere has too: that place is offered
    r("Manhattan", "matched", "new-york", at_most="medium-high", offers="Manhattan, KS"),
    r("Delaware", "matched", "philadelphia"),
    r("Washington, DC", "matched", "washington-dc-headquarters"),
    r("New York, NY", "near_boundary", "new-york", "newark"),
    r("New York City, NY", "matched", "new-york"),  # the named area: the five boroughs
    r("Kansas City, MO", "matched", "st-paul"),
    r("Oklahoma City, OK", "matched", "dallas"),
    r("Indianapolis, IN", "matched", "chicago"),
    r("Iowa City, IA", "matched", "st-paul"),
    r("Carson City, NV", "matched", "san-francisco"),
    r("Nevada City, CA", "matched", "san-francisco"),
    r("Virginia Beach, VA", "uncovered"),
    r("Texas City, TX", "matched", "houston"),
    r("Oregon City, OR", "matched", "seattle"),
    r("Michigan City, IN", "matched", "chicago"),
    r("Florida City, FL", "overlap", "miami", "tampa"),
    # -- a name written with or without a space is the one place so written ---------------------
    r("DeKalb Junction, NY", "matched", "detroit", fips="36089"),  # GeoNames: De Kalb Junction
    r("Point Blank, TX", "matched", "houston", fips="48407"),  # GeoNames: Pointblank
    r("McKittrick, CA", "matched", "san-francisco", fips="06029"),  # USPS: MC KITTRICK
    # -- a place whose GeoNames point lies across its state's line: its own state decides -------
    r("Delmar, DE", "near_boundary", "philadelphia", "washington-dc-headquarters", fips="10005"),
    r("New Hope, PA", "near_boundary", "philadelphia", "newark", fips="42017"),
    r("Benwood, WV", "near_boundary", "philadelphia", "detroit", fips="54051"),
    # -- a town known only by its ZIP's postal name takes the ZIP's rule: never the filing county
    # alone where the ZIP's area reaches another office (Census 2010 ZCTAs)
    r("Long Eddy, NY", "near_boundary", "detroit", "new-york", at_most="medium-high"),
    r("Streetman, TX", "near_boundary", "san-antonio", "dallas", at_most="medium"),
    r("Ackerly, TX", "near_boundary", "dallas", "el-paso", at_most="medium"),
    r("Bluemont, VA", "near_boundary", "washington-dc-headquarters", "philadelphia"),
    r("Fort Campbell, KY", "split", "chicago", "new-orleans"),  # the base: Kentucky and Tennessee
    r("Freedom, WY", "near_boundary", "denver", "seattle", at_most="medium-high"),
    r("New Pine Creek, OR", "near_boundary", "seattle", "san-francisco", at_most="medium-high"),
    # ... and a ZIP whose point is within the boundaries' tolerance of another office's territory
    # is near_boundary as any point there is, though its Census area stays on one side
    r("Harpers Ferry, WV", "near_boundary", "philadelphia", "washington-dc-headquarters"),
    r("25425", "near_boundary", "philadelphia", "washington-dc-headquarters"),
    r("Hankins, NY", "near_boundary", "new-york", "philadelphia", at_most="medium-high"),
    # an address is in the town it names: a town near a line makes it near_boundary, whatever
    # its ZIP's point (Guthrie, KY is 0.7 km from Tennessee; ZIP 42234's point is not)
    r("120 N Main St, Guthrie, KY 42234", "near_boundary", "chicago", "new-orleans"),
    r("1 E Liberty St, Reno, NV 89501", "matched", "san-francisco"),
    # -- a county's name without its kind word, where no place has the name: that county -------
    r("Loudoun", "matched", "washington-dc-headquarters", fips="51107"),
    r("Kenai Peninsula", "matched", "seattle", fips="02122"),
    r("Matanuska-Susitna", "matched", "seattle", fips="02170"),
    r("St. Tammany", "matched", "new-orleans", fips="22103"),
    r("Prince George's", "matched", "washington-dc-headquarters", fips="24033"),
    # ... and where a place has it too, population ranks them (a county's: the people of its
    # places), a city of MAJOR_PLACE people first; the others are offered
    r("Cook", "matched", "chicago", at_most="medium-high", offers="Cook, MN"),
    r("King", "matched", "seattle", at_most="medium-high", offers="King, NC"),
    r("Washoe", "matched", "san-francisco", at_most="medium-high", offers="Washoe, MT"),
    r("Hennepin", "matched", "st-paul", at_most="medium-high", fips="27053", offers="Hennepin, IL"),
    r("Essex", "ambiguous", offers="Essex County, MA"),  # NJ's and MA's, within 3 times
    # a county's people counted from its places fall short where few live in them: its ZIP codes
    # must agree before it outranks another (Orange County, FL has 1.4 million, 0.9 counted)
    r("Orange County", "ambiguous", offers="Orange County, FL"),
    r("Sullivan", "ambiguous", offers="Sullivan County, NY"),  # TN 158,000, NY 78,000
    r("Suffolk", "uncovered", offers="Suffolk County, NY"),  # Suffolk, VA, a city of 94,000
    r("Baltimore", "matched", "washington-dc-headquarters", offers="Baltimore County, MD"),
    # -- a place's legal name is the place ---------------------------------------------------
    r("City of Oxnard, CA", "matched", "laguna-niguel", fips="06111"),
    r("Township of Lakewood, NJ", "matched", "newark", fips="34029"),
    r("City of Oxnard", "matched", "laguna-niguel", fips="06111"),
    r("Lower Merion Township, PA", "matched", "philadelphia"),  # the kind after the name too
    r("Canton Charter Township, MI", "matched", "detroit", fips="26163"),
    # "Village" and "Town" end neighbourhoods' names: never dropped to read another place
    r("Hempstead Village, NY", "not_found", offers="Hempstead, NY"),
    r("Greenwich Village, NY", "matched", "new-york", fips="36061"),  # not Greenwich, NY
    r("Rice Village, TX", "matched", "houston", fips="48201"),  # not Rice, TX (Dallas)
    r("Dumbo, Brooklyn NY", "matched", "new-york", fips="36047"),  # "City ST" keeps the part
    r(f"{NOWHERE} Township, TX", "not_found"),
    # a name longer than the USPS keeps is the postal name it cut ("... Indian Reservat")
    r("Hoopa Valley Indian Reservation, CA", "matched", "san-francisco", fips="06023"),
    r("Hoopa Valley Indian Reservationnnnnnnnnnnnnnn, CA", "not_found"),  # no word was cut there
    r("Hoopa Valley Indian Reservation Road, CA", "not_found"),
    r("Lava Beds National Monument Road, CA", "not_found"),  # the USPS kept that name whole
    r("Town of , NY", "not_found"),  # no name after "of": never the state's letters ("Ny, NY")
    # two places of one name in one state, offered by their counties, as typeable
    r("Lafayette", "ambiguous", offers="Lafayette (Macon County), TN"),
    # a place too small to know, typed with its county: the county named decides
    r("Franklin (Delaware County), NY", "matched", "detroit", fips="36025"),
    r("Washington (Dutchess County), NY", "matched", "new-york", fips="36027"),
    r("Franklin (Nowhere County), NY", "not_found", offers="Franklin County, NY"),
    *PARTS,
    # -- a place typed with another state's code: not_found (or the state's office), offering it
    r("Tucson, NV", "not_found", offers="Tucson, AZ"),
    r("Pahrump, CA", "not_found", offers="Pahrump, NV"),
    r("Boise, TX", "not_found", offers="Boise, ID"),
    r("Tucson, IL", "matched", "chicago", at_most="medium", offers="Tucson, AZ", unrecognised=True),
    # -- the state abbreviations newspapers write ("W. Va.", "Calif."): the state, never another;
    # those that are words too ("Wash", "Ore") only with their period
    r("W. Va.", "matched", "philadelphia"),
    r("W Va", "matched", "philadelphia"),  # never "western Virginia"
    r("Morgantown, W. Va.", "matched", "philadelphia", fips="54061"),
    r("Fargo, N. Dak.", "matched", "st-paul", fips="38017"),
    r("Portland, Ore.", "matched", "seattle", fips="41051"),
    r("Sacramento, Calif.", "matched", "san-francisco", fips="06067"),
    r("Boston, Mass.", "matched", "boston", fips="25025"),
    r("Car Wash", "not_found"),  # not a place in Washington
    r("Waco, Tex", "matched", "san-antonio", fips="48309"),  # after a comma, only a state stands
    r("EL CAJON, CALIF", "matched", "san-diego", fips="06073"),
    r("Boise, Ida.", "matched", "seattle", fips="16001"),
    r("New York State", "split", "new-york", "detroit"),
    r("West Va", "matched", "philadelphia"),
    r("Colo", "matched", "st-paul", fips="19169"),  # Colo, Iowa; Colorado is "Colo."
    r("Montrose, Tex", "matched", "houston", at_most="medium"),  # an area's state, after a comma
    r("Summerlin, Nev", "matched", "laguna-niguel", fips="32003"),
    r("Western Virginia", "split", "washington-dc-headquarters"),  # the region, not the state
    # -- a name in letters the data cannot read is never the state it is typed with -------------
    r("Лас-Вегас, NV", "invalid"),
    r("🏜️🎰, NV", "invalid"),
    r("Ｎｅｖａｄａ", "split", "san-francisco", "laguna-niguel"),  # full-width Latin: read
    r("Nébraska", "matched", "st-paul"),
    r("Las Vegas 🎰, NV", "matched", "laguna-niguel"),  # the name is read; the symbol is not a name
    # -- a GeoNames name ending in brackets that name no county: the whole name -----------------
    r("Alton North (historical), TX", "matched", "san-antonio", fips="48215"),
    r("Central Valley (historical), CA", "matched", "san-francisco", fips="06089"),
]


@pytest.fixture(scope="module")
def loc() -> Locator:
    return Locator(load_context())


def test_the_table_is_large_enough() -> None:
    assert len(ROWS) >= 150
    assert len({x.query for x in ROWS}) == len(ROWS)


@pytest.mark.parametrize("row", ROWS, ids=[x.query for x in ROWS])
def test_rule(loc: Locator, row: Row) -> None:
    a = loc.locate(row.query)
    got = frozenset(o.id for o in a.offices)
    assert (a.status, got) == (row.status, row.offices), sentence(a)
    if a.status == "matched" and a.confidence == "high":
        assert not a.reason_params.get("read_as") and not a.reason_params.get("unrecognised")
    if row.at_most is not None:
        assert (
            a.confidence is not None
            and CONFIDENCE_RANK[a.confidence] <= CONFIDENCE_RANK[row.at_most]
        )
    if row.fips is not None:
        assert row.fips in [c.fips for c in a.counties], a.counties
    if row.offers is not None:
        offered = [x.name for x in a.alternatives] + list(a.suggestions)
        assert row.offers in offered, offered
    if row.unrecognised:
        assert a.reason_params.get("unrecognised"), sentence(a)
    if row.within is not None:
        assert a.reason_params.get("within", {}).get("place") == row.within, sentence(a)
        assert a.location is not None and a.location.name == row.within


def test_a_neighbourhood_in_its_city_is_no_place_of_the_same_name(loc: Locator) -> None:
    """ "Bed-Stuy, Brooklyn, NY" is the neighbourhood; Brooklyn is where it is, not another place
    the name may mean."""
    a = loc.locate("Bed-Stuy, Brooklyn, NY")
    assert a.location is not None and a.location.name == "Bedford-Stuyvesant", sentence(a)
    assert not a.alternatives and "Also a place" not in sentence(a), sentence(a)


def test_a_part_in_a_city_at_the_length_limit_is_answered(loc: Locator) -> None:
    """'Part, City' of 300 characters: the state it is read with must not make it too long to
    answer (it crashed the lookup, and a batch with it)."""
    a = loc.locate("a" * 291 + ", Yonkers")
    assert a.status == "not_found", sentence(a)
    assert loc.locate("...").status == "not_found"  # punctuation is no ZIP code
