"""Names with a word more or less, offered when a name in a state is not known."""

from __future__ import annotations

from collections import defaultdict

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

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


@pytest.fixture(scope="module")
def keys_of_label(locator: Locator) -> dict[str, set[str]]:
    """Every "Name, ST" label and the folded names (aliases too: "beale afb") it is found by."""
    gaz, out = locator.ctx.gazetteer, defaultdict(set)
    for state, key, rows in gaz.geoplaces.by_key():
        out[f"{gaz.geoplaces.at(rows[0]).name}, {state}"].add(key)
    for state, key in gaz.places:
        out[f"{gaz.place_names[(state, key)]}, {state}"].add(key)
    return out


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.sampled_from(["NY", "VA", "CA", "TX", "PA"]), st.integers(0, 10_000))
def test_every_offer_is_a_place_of_the_state_a_word_apart(
    locator: Locator, keys_of_label: dict[str, set[str]], state: str, i: int
) -> None:
    """Take a real place of the state, add or drop a word: what is offered is a real place of the
    state, found by a name that differs from the typed one by exactly one word at an end."""
    gaz = locator.ctx.gazetteer
    keys = [k for s, k in gaz.places if s == state and len(k.split()) > 1]
    name = keys[i % len(keys)]
    typed = name + " centre" if i % 2 else " ".join(name.split()[:-1])
    for label in locator.word_neighbours.of(typed, state):
        assert label.endswith(f", {state}") and keys_of_label[label], label
        assert any(one_word_apart(k.split(), typed.split()) for k in keys_of_label[label]), label


def one_word_apart(a: list[str], b: list[str]) -> bool:
    longer, shorter = (a, b) if len(a) > len(b) else (b, a)
    if len(longer) != len(shorter) + 1:
        return False
    return longer[:-1] == shorter or (longer[0] in COMPASS and longer[1:] == shorter)
