"""ZIP codes whose area may cross an office line never answer a plain `matched`: by the Census 2010
ZCTA-to-county relationship, or by the spacing estimate."""

from __future__ import annotations

import numpy as np
import pytest

from fieldoffice.batch.rows import STATUS_NAMES, assign_zips, result_columns
from fieldoffice.directory.context import Context
from fieldoffice.lookup.decide import decider
from fieldoffice.lookup.locate import Locator
from fieldoffice.lookup.wording import sentence

# ZIP codes known to cross a state line into another office's territory (USPS / Census ZCTAs)
CROSSING = [
    ("42223", {"chicago"}, {"new-orleans"}),  # Fort Campbell: Kentucky and Tennessee
    ("97635", {"seattle"}, {"san-francisco"}),  # New Pine Creek: Oregon and California
    ("20135", set(), {"washington-dc-headquarters"}),  # Bluemont: Clarke and Loudoun, VA
]


@pytest.mark.parametrize(("zip5", "inside", "nearby"), CROSSING)
def test_a_zip_that_crosses_names_both_sides(
    locator: Locator, zip5: str, inside: set[str], nearby: set[str]
) -> None:
    a = locator.locate(zip5)
    assert a.status == "near_boundary", sentence(a)
    assert {o.id for o in a.responsible} == inside
    assert nearby <= {o.id for o in a.offices if o.side == "nearby"}
    assert "across a line" in sentence(a)


def test_batch_gives_crossing_zips_the_same_answer(ctx: Context) -> None:
    a = assign_zips(ctx, ["42223", "89501"])
    cols = {k: v.to_pylist() for k, v in result_columns(ctx, a).items()}
    assert [STATUS_NAMES[s] for s in a.status] == ["near_boundary", "matched"]
    assert cols["office_id"] == ["chicago|new-orleans", "san-francisco"]  # across the line after
    assert "may reach the territory of New Orleans Office" in cols["reason"][0]


def test_few_zips_are_flagged_and_each_has_another_group_in_reach(ctx: Context) -> None:
    dec = decider(ctx)
    spread = dec.zip_spread
    known = spread["reach_km"] > 0
    flagged = spread["other_county"] >= 0
    assert 0.005 < flagged.sum() / known.sum() < 0.06
    assert (spread["other_km"][flagged] <= spread["reach_km"][flagged] + 1e-9).all()
    for n in np.flatnonzero(flagged)[::50]:
        z = ctx.gazetteer.zips[f"{n:05d}"]
        home = dec.county_index[z.county_fips or ""]
        other = int(spread["other_county"][n])
        assert dec.county_group[home] != dec.county_group[other]


def test_a_town_known_by_one_zip_takes_that_zips_rule(locator: Locator) -> None:
    """Gorman, CA is only another name of ZIP 93243 (Lebec, Kern County); that ZIP reaches Los
    Angeles County, so the town never answers Kern's office alone."""
    a = locator.locate("Gorman, CA")
    assert a.status == "near_boundary", sentence(a)
    assert {o.id for o in a.responsible} == {"san-francisco"}
    assert "laguna-niguel" in {o.id for o in a.offices if o.side == "nearby"}
    assert sentence(a).startswith("Gorman, CA (ZIP 93243) is filed under Kern County")
