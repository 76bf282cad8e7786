"""The suggestion index (suggest.py) against the slow paths it replaced, kept as oracles.

The old suggestions are `Understander.suggestions` (query.py: rapidfuzz over every name, each name
cut from its label per call); the old typo reader is `OldTypoReader` below, as it was. Near misses
are real names with one letter dropped, swapped, inserted or replaced, from a seeded RNG.
"""

from __future__ import annotations

import random
import threading

import numpy as np
import pytest
from rapidfuzz import fuzz, process

from fieldoffice.core.text import fold
from fieldoffice.directory.context import Context
from fieldoffice.geo.names import squeeze
from fieldoffice.lookup.locate import Locator, suggester_of
from fieldoffice.lookup.suggest import (
    AREA,
    OFFICE,
    PLACE,
    NameTable,
    Suggester,
    gazetteer_arrays,
    name_part,
)
from fieldoffice.lookup.typos import TypoReader
from tests.suggest_oracles import ORACLE_KINDS, OldSuggestions, OldTypoReader, mutate


@pytest.fixture(scope="module")
def suggester(ctx: Context) -> Suggester:
    return suggester_of(ctx)


@pytest.fixture(scope="module")
def old(locator: Locator) -> OldSuggestions:
    """The slow path the index replaced: rapidfuzz over every name."""
    return OldSuggestions(locator.understander)


@pytest.fixture(scope="module")
def near_misses(old: OldSuggestions) -> list[tuple[str, str]]:
    """(query, the label it was made from): places, counties and states, about half with the
    state after them, as 'Name, ST'."""
    rng = random.Random(13)
    labels = list(old.choices())
    out = []
    for _ in range(400):
        label = rng.choice(labels)
        head, sep, st = label.rpartition(", ")
        name = head if sep else label
        query = mutate(rng, name)
        if sep and rng.random() < 0.5:
            query = f"{query}, {st}"
        out.append((query, label))
    return out


@pytest.fixture(scope="module")
def oracle(old: OldSuggestions, near_misses: list[tuple[str, str]]) -> dict[str, list[str]]:
    """The old slow path's five for each near miss (about 20 ms each)."""
    return {q: old.suggestions(q) for q, _ in near_misses}


def state_of(locator: Locator, query: str) -> str | None:
    split = locator.understander.split_state(query)
    return split[1].usps if split else None


# -- the index ------------------------------------------------------------------------------------
def test_the_index_keeps_every_name_scoring_every_name_would(
    suggester: Suggester, near_misses: list[tuple[str, str]]
) -> None:
    """The letter-count bound never drops a name that reaches the cutoff: for near misses (one to
    three edits), junk, one letter and long text, the names and scores are rapidfuzz's over all."""
    rng = random.Random(7)
    queries = [name_part(q) for q, _ in near_misses[:150]]
    queries += [name_part(mutate(rng, mutate(rng, q))) for q, _ in near_misses[150:250]]
    queries += ["".join(rng.choice("aeinorst lmc") for _ in range(rng.randint(1, 30)))
                for _ in range(60)]  # fmt: skip
    queries += ["a", "x", "aaaaaaa", "zzz", "mississippi", "saint louis", "1", "x" * 300, ""]
    for table in suggester.tables:
        names = table.names.tolist()
        for cutoff in (70.0, 72.0):
            for q in queries:
                got, scores = table.close(q, cutoff)
                every = process.extract(q, names, scorer=fuzz.ratio, score_cutoff=cutoff,
                                        limit=None)  # fmt: skip
                want = sorted((i, s) for _, s, i in every)
                assert sorted(zip(got.tolist(), scores.tolist(), strict=True)) == want, q
                assert list(scores) == sorted(scores, reverse=True)


def test_the_offered_names_are_the_old_choices_in_their_order(
    suggester: Suggester, old: OldSuggestions
) -> None:
    table = suggester.tables[0]
    offered = np.flatnonzero(table.offered).tolist()
    choices = old.choices()
    assert [table.labels[e] for e in offered] == list(choices)
    assert [int(table.size[e]) for e in offered] == list(choices.values())


def test_a_place_key_is_its_folded_name(ctx: Context) -> None:
    """gazetteer_arrays reads a place's folded name and state from its key."""
    for (state, key), name in ctx.gazetteer.place_names.items():
        assert len(state) == 2 and key == fold(name), (state, key, name)


def test_the_snapshot_and_a_fresh_build_agree(ctx: Context, suggester: Suggester) -> None:
    fresh = gazetteer_arrays(ctx.gazetteer)
    stored = ctx.derived_arrays("suggest-names", lambda: fresh)
    assert set(fresh) == set(stored)
    for name, a in fresh.items():
        assert np.array_equal(a, stored[name]), name
    again = Suggester([NameTable(fresh), suggester.tables[1]])
    for q in ("Sacremento", "Clevland", "Rneo, NV", "Franklin Conty, OH", "xqzzy"):
        assert again.suggest(q, "NV" if q.endswith("NV") else None) == suggester.suggest(
            q, "NV" if q.endswith("NV") else None
        )


def test_built_once_per_context(ctx: Context) -> None:
    assert suggester_of(ctx) is suggester_of(ctx)


# -- the suggestions, old and new -----------------------------------------------------------------
def test_suggestions_equal_the_old_slow_path(
    suggester: Suggester, locator: Locator, old: OldSuggestions, oracle: dict[str, list[str]]
) -> None:
    """Over the states, counties and places the old path offered, the same five in the same
    order, for every near miss (the index is exact, so all of them, not 99%)."""
    for q, want in oracle.items():
        assert suggester.suggest(q, state_of(locator, q), kinds=ORACLE_KINDS) == want, q
    for q in ("Renoo NV", "Sacremento", "Pheonix, AZ", "Clevland", "xqzzy", "asdf asdf",
              "Springfeld", "Qwrtplk", "Xyzzy, NV", "!!!", "x" * 300, "São Paulo", "Nothern Virginia"):  # fmt: skip
        assert suggester.suggest(q, state_of(locator, q), kinds=ORACLE_KINDS) == old.suggestions(
            q
        ), q


def test_the_locators_suggestions_agree_with_the_old_ones(
    locator: Locator, near_misses: list[tuple[str, str]], oracle: dict[str, list[str]]
) -> None:
    """The locator also offers named areas (a superset of the old choices): the first suggestion
    is still the old first for at least 99% of near misses, and the place a one-letter slip was
    made from is among the five whenever its state was given and its name is four letters or
    more (unless the slip made another real name of that state)."""
    agree = checked = 0
    for q, label in near_misses:
        new = locator.suggestions(q)
        agree += new[:1] == oracle[q][:1]
        head, sep, st = label.rpartition(", ")
        typed, _, _ = q.rpartition(", ")
        if sep and q.endswith(", " + st) and len(head) >= 4:
            if ctx_place(locator, typed, st) or locator.areas.match(q):
                continue
            # (each name offered once however written: "McCordsville" for "Mccordsville")
            assert squeeze(fold(label)) in {squeeze(fold(x)) for x in new}, (q, new)
            checked += 1
    assert agree >= 0.99 * len(near_misses)
    assert checked >= 100


def ctx_place(locator: Locator, name: str, state: str) -> bool:
    return (state, fold(name)) in locator.gaz.place_names


def test_areas_are_offered_and_offices_are_not(locator: Locator, suggester: Suggester) -> None:
    assert locator.suggestions("Nothern Virginia")[0] == "Northern Virginia"
    assert "Long Island" in locator.suggestions("Long Islnd")
    assert "Rio Grande Valley" in locator.suggestions("Rio Grand Valey")
    assert not any("Office" in s for s in locator.suggestions("Phoenx Office"))
    assert suggester.suggest("Phoenx Office", kinds=frozenset({OFFICE}))[0] == "Phoenix Office"
    assert suggester.suggest("Pheonix", kinds=frozenset({OFFICE}))[0] == "Phoenix Office"
    # the area's answer is what the suggestion says it is
    assert locator.locate(locator.suggestions("Nothern Virginia")[0]).status != "not_found"
    table = suggester.tables[1]
    assert {int(k) for k in table.kind.tolist()} >= {AREA}


def test_a_not_found_answer_carries_the_fast_suggestions(locator: Locator) -> None:
    for q in ("Sacremento", "Clevland", "Springfeld", "xqzzy"):
        a = locator.locate(q)
        assert a.status == "not_found"
        assert list(a.suggestions) == locator.suggestions(q)
    assert locator.locate("Sacremento").suggestions[0] == "Sacramento, CA"


# -- the typo reader, old and new -----------------------------------------------------------------
def test_the_typo_reader_reads_as_the_old_one(
    ctx: Context, suggester: Suggester, near_misses: list[tuple[str, str]]
) -> None:
    old, new = OldTypoReader(ctx.gazetteer), TypoReader(suggester)
    rng = random.Random(5)
    places = [(st, name) for (st, _), name in ctx.gazetteer.place_names.items()]
    cases = [(q.rpartition(", ")[0], q.rpartition(", ")[2]) for q, _ in near_misses if ", " in q]
    for _ in range(300):
        st, name = rng.choice(places)
        cases.append((mutate(rng, name), st))
    cases += [("Xyzzy", "NV"), ("San Fransisco", "CA"), ("Houstn", "TX"), ("Reno", "ZZ")]
    read = 0
    for text, st in cases:
        got = new.read_as(text, st)
        assert got == old.read_as(text, st), (text, st)
        read += got is not None
    assert read > len(cases) // 3  # the comparison is not all None


def test_entries_of_names_in_order(suggester: Suggester) -> None:
    table = suggester.tables[0]
    names, scores = table.close("springfeld", 70.0)
    entries, each = table.entries_of(names, scores)
    want = [(e, s) for n, s in zip(names.tolist(), scores.tolist(), strict=True)
            for e in table.entries[table.first[n] : table.first[n + 1]].tolist()]  # fmt: skip
    assert list(zip(entries.tolist(), each.tolist(), strict=True)) == want
    assert any(int(table.kind[e]) == PLACE for e in entries.tolist())


def test_threads_asking_at_once_get_their_own_answers(suggester: Suggester) -> None:
    """The last-query memo is shared: two threads with different queries never swap answers."""
    want = {q: suggester.suggest(q) for q in ("Sacremento", "Clevland", "Springfeld", "Texs")}
    bad: list[str] = []

    def ask(q: str) -> None:
        for _ in range(200):
            if suggester.suggest(q) != want[q]:
                bad.append(q)

    threads = [threading.Thread(target=ask, args=(q,)) for q in want]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not bad


def test_a_name_is_offered_once_however_it_is_written(
    locator: Locator, suggester: Suggester
) -> None:
    """GeoNames writes "McAllen", the USPS "Mcallen" and "Mc Allen": one offer, not three."""
    for q in ("Mcalen, TX", "Macallen, TX"):
        raw = [squeeze(fold(s)) for s in suggester.suggest(q, "TX")]
        assert len(raw) > len(set(raw)), raw  # the index offers each spelling
        offered = [squeeze(fold(s)) for s in locator.locate(q).suggestions]
        assert "mcallentx" in offered and len(offered) == len(set(offered)), offered
