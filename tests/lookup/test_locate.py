"""The locator's decisions: statuses, reasons, boundaries, and what it says for bad input."""

from __future__ import annotations

import numpy as np
import pytest
import shapely

from fieldoffice.directory.context import Context
from fieldoffice.lookup.decide import great_circle_km
from fieldoffice.lookup.locate import Locator
from fieldoffice.lookup.wording import sentence


def shared_vertices(ctx: Context, a: str, b: str) -> np.ndarray:
    gaz = ctx.gazetteer
    pa = gaz.polygons[[c.fips for c in gaz.counties].index(a)]
    pb = gaz.polygons[[c.fips for c in gaz.counties].index(b)]
    va = {tuple(p) for p in shapely.get_coordinates(pa)}
    vb = {tuple(p) for p in shapely.get_coordinates(pb)}
    return np.array(sorted(va & vb))


def test_point_on_the_kern_los_angeles_line_is_deterministic_and_near_boundary(
    ctx: Context, locator: Locator
) -> None:
    shared = shared_vertices(ctx, "06029", "06037")  # Kern, Los Angeles
    assert len(shared) > 3
    lon, lat = shared[len(shared) // 2]
    first = locator.locate_point(lat=lat, lon=lon)
    again = locator.locate_point(lat=lat, lon=lon)
    assert first == again
    assert first.status == "near_boundary"
    assert [c.fips for c in first.counties] == ["06029"]  # the lower FIPS wins on the line
    sides = {o.id: o.side for o in first.offices}
    assert sides == {"san-francisco": "inside", "laguna-niguel": "nearby"}
    nearby = next(o for o in first.offices if o.side == "nearby")
    assert nearby.distance_km == 0.0
    assert "Los Angeles California" in sentence(first) and "5.08 km" in sentence(first)


def test_point_a_few_km_from_a_line_is_near_boundary_but_far_is_matched(locator: Locator) -> None:
    # Along I-5 north of the Kern/LA line (Grapevine area) vs. central Bakersfield
    near = locator.locate_point(lat=34.84, lon=-118.87)
    far = locator.locate_point(lat=35.37, lon=-119.02)
    assert near.status == "near_boundary"
    assert far.status == "matched" and [o.id for o in far.offices] == ["san-francisco"]


def test_point_offshore_within_tolerance_is_near_boundary(locator: Locator) -> None:
    a = locator.locate_point(lat=25.7617, lon=-80.10)  # just off Miami Beach
    assert a.status in ("near_boundary", "overlap")
    assert {o.id for o in a.offices} >= {"miami", "tampa"}


def test_point_far_out_at_sea_is_not_found(locator: Locator) -> None:
    a = locator.locate_point(lat=30.0, lon=-60.0)
    assert a.status == "not_found" and "not inside any US county" in sentence(a)


def test_split_lists_counties_per_candidate(locator: Locator) -> None:
    a = locator.locate("Nevada")
    assert a.status == "split"
    per = {o.id: set(o.counties) for o in a.offices}
    assert per["laguna-niguel"] == {"32003", "32009", "32017", "32023"}
    assert len(per["san-francisco"]) == 13
    assert a.confidence == "low"


def test_virginia_is_split_between_dc_and_nobody(locator: Locator) -> None:
    a = locator.locate("Virginia")
    assert a.status == "split"
    assert [o.id for o in a.offices] == ["washington-dc-headquarters"]
    assert "in no office's AOR" in sentence(a)
    assert sum(1 for c in a.counties if not c.offices) == len(a.counties) - 9


def _office_km(ctx: Context, locator: Locator, lat: float, lon: float) -> dict[str, float]:
    positions = locator.decider.office_positions
    return {o.id: great_circle_km(lat, lon, *positions[o.id]) for o in ctx.directory.offices}


def test_uncovered_gives_nearest_office_by_great_circle(ctx: Context, locator: Locator) -> None:
    a = locator.locate("Norfolk, VA")
    assert a.status == "uncovered"
    assert a.location is not None
    dists = _office_km(ctx, locator, a.location.lat, a.location.lon)
    assert a.nearest_office is not None
    assert a.nearest_office.id == min(dists, key=dists.__getitem__)
    assert a.nearest_office.distance_km == pytest.approx(min(dists.values()), abs=0.1)
    assert a.national_contact and a.national_contact.phone == "(202) 732-4646"


def test_no_office_past_1000_km_gives_the_national_line(ctx: Context, locator: Locator) -> None:
    # San Juan's nearest office (Miami) is ~1,700 km away: naming it would be true and useless
    a = locator.locate("San Juan, PR")
    assert a.status == "uncovered" and a.location is not None
    dists = _office_km(ctx, locator, a.location.lat, a.location.lon)
    assert min(dists, key=dists.__getitem__) == "miami" and min(dists.values()) > 1000
    assert a.nearest_office is None
    far = a.reason_params["no_office_near"]
    assert far["nearest_km"] == pytest.approx(min(dists.values()), abs=0.1)
    assert "(202) 732-4646" in sentence(a)


def test_great_circle_known_distance() -> None:
    # JFK to LAX: 3,974 km on the great circle (2,145 nautical miles)
    assert great_circle_km(40.6413, -73.7781, 33.9416, -118.4085) == pytest.approx(3974, abs=10)


@pytest.mark.parametrize(
    ("query", "needle"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("x" * 400, "longer than 300 characters"),
        ("91, 0", "latitude 91.0 is outside -90..90"),
        ("-119.81, 39.53", "swap"),
        ("39.5, 200", "longitude 200.0 is outside"),
        ("nan, 5", "finite"),
        ("1234", "5 digits"),
    ],
)
def test_invalid_input_says_what_and_how(locator: Locator, query: str, needle: str) -> None:
    a = locator.locate(query)
    assert a.status == "invalid"
    assert needle in sentence(a).lower()
    assert a.offices == () and a.counties == ()


def test_reason_names_the_phrase_and_the_office(locator: Locator) -> None:
    a = locator.locate("Washoe County, NV")
    assert sentence(a).startswith(
        "Washoe County, NV is in 'Northern Nevada', part of the San Francisco"
    )


def test_a_postal_name_in_several_counties_of_one_office_is_matched(locator: Locator) -> None:
    # a populated place is at its one point (Kansas City, MO: Jackson County); a postal name that
    # is no such place still answers from its ZIP codes' counties
    a = locator.locate("Kansas City, MO")
    assert a.status == "matched" and [c.fips for c in a.counties] == ["29095"]
    assert [o.id for o in a.offices] == ["st-paul"]


@pytest.mark.parametrize(
    ("query", "fips"),
    [
        ("Prince Georges County, MD", "24033"),  # apostrophe left out
        ("De Kalb County, IL", "17037"),  # space in a name written without one
        ("LaSalle Parish, LA", "22059"),
        ("Anchorage Borough, AK", "02020"),  # legally a Municipality
        ("the Bronx Borough, NY", "36005"),
    ],
)
def test_county_names_as_people_write_them(locator: Locator, query: str, fips: str) -> None:
    a = locator.locate(query)
    assert [c.fips for c in a.counties] == [fips], sentence(a)


def test_zip_without_county_answers_for_its_state(locator: Locator) -> None:
    a = locator.locate("18768")  # a Wilkes-Barre mail facility with no county in the data
    assert a.status == "matched" and [o.id for o in a.offices] == ["philadelphia"]
    assert "answers for all of PA" in sentence(a)


def test_region_sources_are_words_not_reference_letters(locator: Locator) -> None:
    a = locator.locate("Manassas, VA")
    assert "E:" not in sentence(a) and "Northern Virginia Regional Commission" in sentence(a)


@pytest.mark.parametrize(
    ("query", "with_state"),
    [
        ("Fresno County", "Fresno County, CA"),
        ("washoe county", "Washoe County, NV"),
        ("Orleans Parish", "Orleans Parish, LA"),
        ("Kenai Peninsula Borough", "Kenai Peninsula Borough, AK"),
        ("Cook County", "Cook County, IL"),  # Georgia and Minnesota have one too, far smaller
        ("Miami-Dade County", "Miami-Dade County, FL"),
    ],
)
def test_a_county_without_its_state_is_that_county(
    locator: Locator, query: str, with_state: str
) -> None:
    bare, full = locator.locate(query), locator.locate(with_state)
    assert bare.status == full.status != "not_found"
    assert [o.id for o in bare.responsible] == [o.id for o in full.responsible]
    assert [c.fips for c in bare.counties] == [c.fips for c in full.counties]


@pytest.mark.parametrize("query", ["Washington County", "Montgomery County", "Jefferson County"])
def test_a_county_name_many_states_share_is_ambiguous(locator: Locator, query: str) -> None:
    """Population ranks counties too: no county of these names has 3 times the next's people."""
    a = locator.locate(query)
    assert a.status == "ambiguous"
    states = {alt.state for alt in a.alternatives}
    assert len(states) >= 10 and all(alt.name.startswith(query) for alt in a.alternatives)


def test_a_county_name_one_county_dominates_answers_it_and_offers_the_rest(
    locator: Locator,
) -> None:
    """Franklin County, OH (Columbus, over a million people) has many times the people of any
    other of the 24: it answers, no more than likely, with the others offered."""
    a = locator.locate("Franklin County")
    assert a.status == "matched" and [c.fips for c in a.counties] == ["39049"]
    assert a.confidence in ("medium-high", "medium")
    assert len({alt.state for alt in a.alternatives}) >= 8
