"""The CLI's text rendering of answers: every kind of answer renders, with nothing unfilled."""

from __future__ import annotations

import pytest

from fieldoffice.lookup.locate import Locator
from fieldoffice.lookup.render import answer_text


def test_every_zip_crossing_a_line_renders_as_text(locator: Locator) -> None:
    """A ZIP the Census puts partly in another territory names that office with no distance:
    the text says "[nearby]" (it crashed formatting None as a number)."""
    codes = [f"{int(n):05d}" for n in locator.decider.crossing_zips]
    assert len(codes) > 1_000
    census_reach = 0
    for code in codes:
        a = locator.locate(code)
        text = answer_text(a)
        assert "None" not in text, text
        for o in a.offices:
            assert o.name in text
        census_reach += any(o.side == "nearby" and o.distance_km is None for o in a.offices)
        if any(o.side == "nearby" and o.distance_km is None for o in a.offices):
            assert "[nearby]\n" in text, text
    assert census_reach > 100  # the case that crashed is well represented


@pytest.mark.parametrize(
    "query",
    ["Reno, NV", "Texas", "Miami, FL", "Richmond, VA", "Springfield", "Nowhere Special, CA",
     "39.0, -119.9", "42223", "Gorman, CA", "00000", "Nevada County", "99999", "91.0, 0"],
)  # fmt: skip
def test_each_kind_of_answer_renders(locator: Locator, query: str) -> None:
    text = answer_text(locator.locate(query))
    assert text.startswith(f"{query}: ")
    assert "None" not in text and "{" not in text
