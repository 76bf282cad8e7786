"""The decider's rules, asked directly: which place a shared name means, what a set of counties'
claims make of it, what a single lookup adds (the offices nearby, the nearest office)."""

from __future__ import annotations

import pytest

from fieldoffice.core.answer import Decision, Reason, ReasonCode
from fieldoffice.directory.context import Context
from fieldoffice.lookup.decide import NEAREST_OFFICE_MAX_KM, Decider, decider, great_circle_km
from fieldoffice.lookup.keys import FIXED_CODES
from fieldoffice.lookup.locate import Locator
from fieldoffice.lookup.ranking import DOMINANCE, dominant
from fieldoffice.lookup.understand import Named, Place


@pytest.fixture(scope="module")
def dec(ctx: Context) -> Decider:
    return decider(ctx)


def _counties_by_offices(ctx: Context, n: int) -> list[str]:
    """Counties claimed by exactly n offices, in the gazetteer's order."""
    terr = ctx.territories
    return [c.fips for c in ctx.gazetteer.counties if len(terr.offices_of(c.fips)) == n]


# -- the dominance rule ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("sizes", "expected"),
    [([190, 1], True), ([24, 1, 1], True), ([38, 21], False), ([1, 1], False), ([5], True),
     ([3, 1], True), ([2, 1], False), ([1, 0], True), ([0, 0], False), ([1], True),
     ([6, 2, 2], True), ([5, 2], False), ([2019, 1647], False), ([20804, 2343], True),
     ([136632, 126254], False), ([0], True)],
)  # fmt: skip
def test_the_largest_place_wins_only_by_a_clear_margin(sizes: list[int], expected: bool) -> None:
    assert dominant(sizes) is expected
    assert DOMINANCE == 3  # population: the largest must have 3x the next (issue 20)


def test_a_dominant_name_is_decided_for_its_largest_place(dec: Decider, locator: Locator) -> None:
    reno = locator.understander.understand("Reno, NV")
    other = locator.understander.understand("Reno, TX")
    assert reno is not None and other is not None
    named = [Named("Reno", "NV", reno.counties, 30), Named("Reno", "TX", other.counties, 1)]
    place, d = dec.for_name("Reno", named, reno)
    assert place is reno
    assert d.status == dec.for_place(reno).status == "matched"
    assert [a.name for a in d.alternatives] == ["Reno, TX"]
    assert d.reason.code is ReasonCode.IN_TERRITORY
    assert d.reason.params["alternatives"][0]["name"] == "Reno, TX"


def test_a_name_no_place_owns_is_ambiguous_with_every_candidate(
    dec: Decider, locator: Locator
) -> None:
    reno = locator.understander.understand("Reno, NV")
    other = locator.understander.understand("Reno, TX")
    assert reno is not None and other is not None
    named = [Named("Reno", "NV", reno.counties, 5), Named("Reno", "TX", other.counties, 2)]
    place, d = dec.for_name("Reno", named, reno)
    assert place is None and d.status == "ambiguous"
    assert d.reason.code is ReasonCode.SEVERAL_PLACES
    assert [a.name for a in d.alternatives] == ["Reno, NV", "Reno, TX"]
    assert d.suggestions == ("Reno, NV", "Reno, TX")


def test_no_place_to_decide_for_is_ambiguous_however_large(dec: Decider, ctx: Context) -> None:
    fips = _counties_by_offices(ctx, 1)[0]
    _, d = dec.for_name("X", [Named("X", "NV", [fips], 100)], None)
    assert d.status == "ambiguous"


def test_a_dominant_name_names_at_most_eight_others(dec: Decider, ctx: Context) -> None:
    fips = _counties_by_offices(ctx, 1)[:10]
    top = Place("place", "X, ST", "ST", [fips[0]])
    named = [Named("X", f"S{i}", [f], 1000 if i == 0 else 1) for i, f in enumerate(fips)]
    _, d = dec.for_name("X", named, top)
    assert len(d.alternatives) == 8 and d.alternatives[0].state == "S1"


# -- statuses from claims --------------------------------------------------------------------------
def test_one_county_one_office_is_matched(dec: Decider, ctx: Context) -> None:
    fips = _counties_by_offices(ctx, 1)[0]
    d = dec.for_counties([fips])
    assert d.status == "matched" and d.reason.code is ReasonCode.IN_TERRITORY
    assert [o.id for o in d.offices] == sorted(ctx.territories.offices_of(fips))
    assert d.confidence is not None


def test_a_county_no_office_claims_is_uncovered_with_the_national_line(
    dec: Decider, ctx: Context
) -> None:
    fips = _counties_by_offices(ctx, 0)[0]
    d = dec.for_counties([fips])
    assert d.status == "uncovered" and d.reason.code is ReasonCode.NO_OFFICE
    assert d.offices == () and d.confidence is None
    assert d.reason.params["national_line"] in (
        ctx.directory.media.phone,
        ctx.directory.media.email,
    )


def test_a_county_two_offices_claim_is_overlap(dec: Decider, ctx: Context) -> None:
    shared = _counties_by_offices(ctx, 2)
    if not shared:
        pytest.skip("no county is claimed twice in this directory")
    d = dec.for_counties([shared[0]])
    assert d.status == "overlap" and d.reason.code is ReasonCode.CLAIMED_BY_SEVERAL
    assert len(d.offices) == 2


def test_counties_of_different_offices_are_split(dec: Decider, ctx: Context) -> None:
    terr = ctx.territories
    single = _counties_by_offices(ctx, 1)
    a = single[0]
    b = next(f for f in single if terr.offices_of(f) != terr.offices_of(a))
    d = dec.for_counties([a, b])
    assert d.status == "split" and d.reason.code is ReasonCode.SPANS_OFFICES
    assert {c for o in d.offices for c in o.counties or ()} == {a, b}
    partly = dec.for_counties([a, _counties_by_offices(ctx, 0)[0]])
    assert partly.status == "split" and partly.reason.code is ReasonCode.PARTLY_COVERED
    assert partly.reason.params["uncovered_counties"] == 1


def test_each_fixed_outcome_has_its_status(dec: Decider) -> None:
    for code in FIXED_CODES:
        d = dec.entry(dec.fixed_key(code))
        assert d.reason.code is code
        batch_only = code in (ReasonCode.BAD_NUMBER, ReasonCode.OUT_OF_RANGE, ReasonCode.MISSING,
                              ReasonCode.BAD_ZIP)  # fmt: skip
        assert d.status == ("invalid" if batch_only else "not_found"), code
    assert dec.unknown_zip().reason.code is ReasonCode.UNKNOWN_ZIP


def test_a_key_is_decided_once(dec: Decider) -> None:
    assert dec.entry(0) is dec.entry(0)


# -- what a single lookup adds ---------------------------------------------------------------------
def _uncovered() -> Decision:
    return Decision("uncovered", Reason(ReasonCode.NO_OFFICE, {"national_line": "x"}))


def test_the_nearest_office_is_the_one_least_far(dec: Decider) -> None:
    lat, lon = 36.85, -76.29  # Norfolk, VA
    km = {oid: great_circle_km(lat, lon, *pos) for oid, pos in dec.office_positions.items()}
    d = dec.with_nearest_office(_uncovered(), lat, lon)
    assert d.nearest_office is not None
    assert d.nearest_office.id == min(km, key=km.__getitem__)
    assert d.nearest_office.distance_km == round(min(km.values()), 1)
    assert d.reason.params["nearest"]["km"] == d.nearest_office.distance_km


def test_no_office_is_named_past_the_limit(dec: Decider) -> None:
    d = dec.with_nearest_office(_uncovered(), 36.85, -76.29, max_km=1.0)
    assert d.nearest_office is None
    assert d.reason.params["no_office_near"]["max_km"] == 1.0
    assert d.reason.params["national_line"] == "x"
    assert NEAREST_OFFICE_MAX_KM == 1000.0


def test_no_position_no_nearest_office(dec: Decider) -> None:
    assert dec.with_nearest_office(_uncovered(), None, -76.29) == _uncovered()


def test_an_uncovered_place_gets_its_nearest_office_and_a_matched_one_none(
    dec: Decider, locator: Locator
) -> None:
    norfolk = locator.understander.understand("Norfolk, VA")
    reno = locator.understander.understand("Reno, NV")
    assert norfolk is not None and reno is not None
    d = dec.for_place(norfolk)
    assert d.status == "uncovered" and d.nearest_office is not None
    assert dec.for_place(reno).nearest_office is None


def test_nearby_offices_are_other_territories_only(dec: Decider, ctx: Context) -> None:
    terr = ctx.territories
    single = _counties_by_offices(ctx, 1)
    home = single[0]
    same = next(f for f in single[1:] if terr.offices_of(f) == terr.offices_of(home))
    other = next(f for f in single if terr.offices_of(f) != terr.offices_of(home))
    base = dec.for_counties([home])
    d = dec.with_nearby(base, [(same, 1.0), (other, 2.345)], home)
    nearby = [o for o in d.offices if o.side == "nearby"]
    assert [o.id for o in nearby] == sorted(terr.offices_of(other))
    assert nearby[0].distance_km == 2.35 and nearby[0].county == other
    assert [n["county"]["fips"] for n in d.reason.params["nearby"]] == [other]
    assert d.responsible == base.responsible


def test_a_point_far_at_sea_is_not_found_and_a_swapped_one_is_suggested(dec: Decider) -> None:
    sea = dec.for_point(30.0, -40.0)
    assert sea.status == "not_found" and sea.reason.code is ReasonCode.OUTSIDE_COUNTIES
    assert sea.suggestions == ()
    swapped = dec.for_point(-77.03, 38.89)  # Washington, DC with latitude and longitude swapped
    assert swapped.status == "not_found" and swapped.suggestions == ("38.89, -77.03",)
    assert swapped.reason.params["swapped"] == "38.89, -77.03"


def test_a_point_just_outside_its_county_says_how_far(dec: Decider) -> None:
    d = dec.for_point(39.0, -123.75)  # the Pacific, a little off Mendocino's coast
    if d.reason.code is ReasonCode.OUTSIDE_COUNTIES:
        pytest.skip("the point is beyond the tolerance in this data")
    assert d.reason.code in (ReasonCode.JUST_OUTSIDE, ReasonCode.OFFSHORE)
    assert d.reason.params["km"] > 0
