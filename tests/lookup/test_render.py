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


def test_a_zip_reaching_only_land_no_office_has_never_says_either_office(locator: Locator) -> None:
    """Quantico's ZIP 22134 reaches Stafford County, which is nobody's: no "either office"."""
    from fieldoffice.core.catalog import translations
    from fieldoffice.lookup.wording import sentence

    a = locator.locate("22134")
    assert a.status == "near_boundary" and [o.id for o in a.offices] == [
        "washington-dc-headquarters"
    ]
    assert "Part of it may be in no office's area." in sentence(a)
    assert "Either office" not in sentence(a)
    assert "ninguna oficina" in sentence(a, translations("es").gettext)


def test_a_region_source_reads_as_a_sentence(locator: Locator) -> None:
    """The caveat says where a weak region's counties come from, in words that follow 'come from'."""
    text = answer_text(locator.locate("Tonopah, NV"))
    assert "come from the map alone, as no county list is published" in " ".join(text.split())
