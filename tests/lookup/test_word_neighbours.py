"""Names with a word more or less, offered when a name in a state is not known."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fieldoffice.core.text import fold
from fieldoffice.lookup.locate import Locator
from fieldoffice.lookup.named_areas import COMPASS


@pytest.mark.parametrize(
    ("query", "offered"),
    [
        ("Burke Centre, VA", "Burke, VA"),  # Fairfax County CDPs, side by side
        ("Newington Forest, VA", "Newington, VA"),
        ("Franklin Farm, VA", "Franklin, VA"),
        ("Stony Brook University, NY", "Stony Brook, NY"),
        ("North Hempstead, NY", "Hempstead, NY"),  # the town, and the village in it
        ("East Bakersfield, CA", "Bakersfield, CA"),
        ("Chili, NY", "North Chili, NY"),  # the town, and its hamlet
        ("Evans, NY", "Evans Mills, NY"),
    ],
)
def test_a_name_with_a_word_more_or_less_is_offered(
    locator: Locator, query: str, offered: str
) -> None:
    a = locator.locate(query)
    assert a.status == "not_found"  # offered, never answered: a word changes the place
    assert offered in a.suggestions


def test_the_word_that_names_a_place_is_never_dropped(locator: Locator) -> None:
    """Newington Forest is beside Newington, not Forest (Bedford County)."""
    assert "Forest, VA" not in locator.word_neighbours.of("newington forest", "VA")


def test_a_known_name_has_no_neighbours(locator: Locator) -> None:
    assert locator.word_neighbours.of("reno", "NV") == []


def test_usps_abbreviations_are_never_offered(locator: Locator) -> None:
    offered = locator.word_neighbours.of("cortlandt", "NY")
    assert "Cortlandt Manor, NY" in offered and "Cortlandt Mnr, NY" not in offered


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(["NY", "VA", "CA", "TX", "PA"]), st.integers(0, 10_000))
def test_every_offer_is_a_place_of_the_state_a_word_apart(
    locator: Locator, state: str, i: int
) -> None:
    """Take a real place of the state, add or drop a word: what is offered is a real place of the
    state whose name differs from the typed one by exactly one word at an end."""
    gaz = locator.ctx.gazetteer
    keys = [k for s, k in gaz.places if s == state and len(k.split()) > 1]
    name = keys[i % len(keys)]
    typed = name + " centre" if i % 2 else " ".join(name.split()[:-1])
    for label in locator.word_neighbours.of(typed, state):
        place, _, st_ = label.rpartition(", ")
        assert st_ == state and (
            (state, fold(place)) in gaz.places or gaz.geoplaces.named(state, fold(place))
        )
        a, b = fold(place).split(), typed.split()
        longer, shorter = (a, b) if len(a) > len(b) else (b, a)
        assert len(longer) == len(shorter) + 1
        assert longer[:-1] == shorter or (longer[0] in COMPASS and longer[1:] == shorter)
