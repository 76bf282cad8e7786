"""Places whose name is a typed one with a word more or less, in the state given: "Burke Centre,
VA" -> Burke; "Chili, NY" -> North Chili, Chili Center; "Stony Brook University, NY" -> Stony
Brook. Offered beside the spelling suggestions when a name is not known, never answered: a word
changes the place (East Niles, in Kern County, is not Niles, in Alameda County).

Made from the populated places (largest first) and the postal city names, folded as queries are,
once per context.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable

from fieldoffice.geo.gazetteer import Gazetteer, StrColumn
from fieldoffice.geo.places import KEY_SEP, SortedStrings
from fieldoffice.lookup.named_areas import COMPASS
from fieldoffice.lookup.suggest import USPS_ABBREVIATION

# (state, folded name) -> (population, label) of the places so named; postal names rank as 0
_Names = dict[tuple[str, str], list[tuple[int, str]]]


def _names_in(keys: SortedStrings, state: str) -> list[str]:
    """The folded names of one state's keys ("NV\treno"), from the sorted key column."""
    lo = bisect_left(keys, state + KEY_SEP)
    hi = bisect_left(keys, state + chr(ord(KEY_SEP) + 1), lo)
    return [keys[i].partition(KEY_SEP)[2] for i in range(lo, hi)]


def _shorter(words: list[str]) -> set[str]:
    """A name with a word less: without its last word ("Burke Centre" -> Burke), or without a
    compass word it starts with ("North Hempstead" -> Hempstead); never without the word that
    names it ("Newington Forest" is not Forest)."""
    if len(words) < 2:
        return set()
    out = {" ".join(words[:-1])}
    if words[0] in COMPASS:
        out.add(" ".join(words[1:]))
    return out


class WordNeighbours:
    def __init__(self, gaz: Gazetteer) -> None:
        self.gaz = gaz
        self._states: dict[str, tuple[_Names, _Names]] = {}

    def _of_state(self, state: str) -> tuple[_Names, _Names]:
        """The state's names and their one-word-shorter forms, made on first use (a state's
        take about a fiftieth of the time all would: a command line asks one)."""
        if state not in self._states:
            gaz, places = self.gaz, self.gaz.geoplaces
            names: _Names = defaultdict(list)
            for key in _names_in(places.keys, state):
                p = places.at(places.rows_of(state, key)[0])
                names[(state, key)].append((p.population, f"{p.name}, {state}"))
            for key in _names_in(StrColumn(gaz.tables.arrays, "place.key"), state):
                label = gaz.place_names[(state, key)]  # "N Evans" is read, never offered
                if (state, key) not in names and not USPS_ABBREVIATION.search(label):
                    names[(state, key)].append((0, f"{label}, {state}"))
            longer: _Names = defaultdict(list)  # a name with one word less -> the longer names
            for (_, key), found in names.items():
                for shorter in _shorter(key.split()):
                    longer[(state, shorter)].extend(found)
            self._states[state] = (dict(names), dict(longer))
        return self._states[state]

    def prepare(self, states: Iterable[str]) -> None:
        for state in states:
            self._of_state(state)

    def of(self, folded: str, state: str, limit: int = 5) -> list[str]:
        """Places in `state` named `folded` (a folded name) with one word less or one word more,
        the largest first; none for a name that is itself a place's."""
        names, longer = self._of_state(state)
        if (state, folded) in names:
            return []
        found = [hit for shorter in _shorter(folded.split())
                 for hit in names.get((state, shorter), [])]  # fmt: skip
        found += longer.get((state, folded), [])
        found.sort(key=lambda h: (-h[0], h[1]))
        return list(dict.fromkeys(label for _, label in found))[:limit]
