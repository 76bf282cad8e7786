"""A city without its state: the largest place of that name, or `ambiguous` with every candidate."""

from __future__ import annotations

import json

import pytest

from fieldoffice.directory.context import Context
from fieldoffice.geo.placenames import PlaceNames
from fieldoffice.lookup.locate import Locator
from fieldoffice.lookup.wording import sentence
from tests.cli.test_commands import run
from tests.suggest_oracles import OldSuggestions

# bare name -> (the place answered, its office, one alternative that must be listed)
BARE = [
    ("Houston", "Houston, TX", "houston", "Houston, AK"),
    ("El Paso", "El Paso, TX", "el-paso", "El Paso, IL"),
    ("Bakersfield", "Bakersfield, CA", "san-francisco", "Bakersfield, VT"),
    ("Anchorage", "Anchorage, AK", "seattle", "Anchorage, KY"),
    ("Las Vegas", "Las Vegas, NV", "laguna-niguel", "Las Vegas, NM"),
    ("Reno", "Reno, NV", "san-francisco", "Reno, PA"),
    ("Kansas City", "Kansas City, MO", "st-paul", "Kansas City, KS"),
]


@pytest.mark.parametrize(("query", "place", "office", "also"), BARE)
def test_a_bare_city_answers_its_largest_place_with_the_others(
    locator: Locator, query: str, place: str, office: str, also: str
) -> None:
    a = locator.locate(query)
    assert a.location is not None and a.location.name == place, sentence(a)
    assert [o.id for o in a.responsible] == [office]
    assert also in [x.name for x in a.alternatives] and also in sentence(a)
    assert all(x.offices or x.status == "uncovered" for x in a.alternatives)


def test_a_name_no_place_owns_is_ambiguous_with_every_candidate(locator: Locator) -> None:
    a = locator.locate("Springfield")
    assert a.status == "ambiguous" and a.offices == ()
    names = [x.name for x in a.alternatives]
    # by population (issue 20), no longer by ZIP codes: MO 167k, MA 155k, IL 116k
    assert names[:3] == ["Springfield, MO", "Springfield, MA", "Springfield, IL"]
    assert list(a.alternatives[0].offices) == ["st-paul"]
    assert "Add the state" in sentence(a)


def test_a_name_that_exists_is_never_not_found(ctx: Context, locator: Locator) -> None:
    names = PlaceNames(ctx.gazetteer)
    for key in list(names.by_name)[::400]:
        first = names.candidates(key)[0]
        if first.state in ("AA", "AE", "AP"):  # military post offices: not places
            continue
        a = locator.locate(first.name)
        assert a.status != "not_found", first


def test_the_cli_exit_code_and_json_for_ambiguous() -> None:
    r = run("locate", "Springfield", "--json")
    body = json.loads(r.stdout)
    assert r.returncode == 1 and body["status"] == "ambiguous"
    assert body["alternatives"][0]["name"] == "Springfield, MO"
    r = run("locate", "Houston", "--json")
    assert r.returncode == 0 and json.loads(r.stdout)["alternatives"]


@pytest.mark.parametrize(
    ("query", "place", "office"),
    [
        ("Pheonix, AZ", "Phoenix, AZ", "phoenix"),
        ("Albuqerque, NM", "Albuquerque, NM", "el-paso"),
        ("Anchorge, AK", "Anchorage, AK", "seattle"),
    ],
)
def test_a_clear_misspelling_with_its_state_is_read_and_says_so(
    locator: Locator, query: str, place: str, office: str
) -> None:
    a = locator.locate(query)
    assert a.location is not None and a.location.name == place, sentence(a)
    assert [o.id for o in a.responsible] == [office]
    assert sentence(a).startswith(f"Read as {place}, a guess")
    assert a.confidence in ("medium", "low")  # a guess is never confident (issue 20)


@pytest.mark.parametrize(
    ("query", "place"),
    [
        ("San Fransisco, CA", "San Francisco, CA"),
        ("Houstn, TX", "Houston, TX"),
        ("Sacremento, California", "Sacramento, CA"),
    ],
)
def test_a_misspelling_in_a_split_state_is_only_suggested(
    locator: Locator, query: str, place: str
) -> None:
    # issue 20: a reading that would choose the office where the state alone does not is a
    # suggestion, not the answer
    a = locator.locate(query)
    assert a.status == "not_found" and a.suggestions[0] == place, sentence(a)


def test_an_unclear_misspelling_stays_a_suggestion(locator: Locator) -> None:
    assert locator.locate("Xyzzy, NV").status == "not_found"


@pytest.mark.parametrize(
    ("query", "first"),
    [("Rneo, NV", "Reno, NV"), ("Corpus Cristi, TX", "Corpus Christi, TX"),
     ("Manhatan Beach, CA", "Manhattan Beach, CA"), ("Sacramneto", "Sacramento, CA"),
     ("Fort Wort, TX", "Fort Worth, TX")],
)  # fmt: skip
def test_suggestions_are_real_names_most_similar_then_largest(
    locator: Locator, query: str, first: str
) -> None:
    # the locator's index (suggest.py) and the old slow path it replaced
    for got in (
        locator.suggestions(query),
        OldSuggestions(locator.understander).suggestions(query),
    ):
        assert got[0] == first
        assert not any(
            w in s.split() for s in got for w in ("Bch", "Crp", "Corp", "Spgs", "W", "N")
        )


def test_no_filler_when_nothing_is_close(locator: Locator) -> None:
    assert OldSuggestions(locator.understander).suggestions("Xyzzy, NV") == []
    assert locator.suggestions("Xyzzy, NV") == []
    assert locator.locate("Qwrtplk").suggestions == ()
