"""The slow paths the suggestion index replaced, kept as oracles for tests and benchmarks, and
the one-letter mutation both use to make near misses."""

from __future__ import annotations

import random
import string
from collections import defaultdict

from rapidfuzz import fuzz, process

from fieldoffice.core.text import fold
from fieldoffice.geo.gazetteer import Gazetteer
from fieldoffice.lookup.suggest import (
    COUNTY,
    PLACE,
    STATE,
    SUGGEST_CUTOFF,
    USPS_ABBREVIATION,
    name_part,
)
from fieldoffice.lookup.typos import ACCEPT, MARGIN
from fieldoffice.lookup.understand import Understander

ORACLE_KINDS = frozenset({STATE, COUNTY, PLACE})  # what the old suggestions offer


class OldSuggestions:
    """The locator's suggestions before the index: rapidfuzz over every name."""

    def __init__(self, understander: Understander) -> None:
        self.understander = understander
        self._choices: dict[str, int] | None = None

    def suggestions(self, q: str, limit: int = 5) -> list[str]:
        """Real names close to what was typed: most similar first, then the larger place; none
        padded in when nothing is close."""
        sizes = self.choices()
        split = self.understander.split_state(q)
        pool: list[str] = list(sizes)
        if split is not None:
            suffix = ", " + split[1].usps
            pool = [c for c in pool if c.endswith(suffix)] or pool
        # compare names without their state: "Rneo, NV" and "Rneo" both look for "reno"
        hits = process.extract(q, pool, scorer=fuzz.ratio, processor=name_part,
                               limit=max(limit * 10, 50), score_cutoff=SUGGEST_CUTOFF)  # fmt: skip
        ranked = sorted(hits, key=lambda h: (-round(h[1]), -sizes[h[0]], h[0]))
        return [h[0] for h in ranked[:limit]]

    def choices(self) -> dict[str, int]:
        """Every name a suggestion may give, with its size: states and counties first, then places
        by their ZIP codes. USPS abbreviations ("Manhattan Bch") are not names to suggest."""
        if self._choices is None:
            gaz = self.understander.gaz
            names: dict[str, int] = {s.name: 1_000_000 for s in gaz.states}
            names.update({c.label: 10_000 for c in gaz.counties})
            sizes = gaz.places.sizes().tolist()
            table = gaz.geoplaces
            largest = {
                (st, key): int(table.population[rows[0]]) for st, key, rows in table.by_key()
            }
            for ((st, key), name), size in zip(gaz.place_names.items(), sizes, strict=True):
                if not USPS_ABBREVIATION.search(name):
                    names.setdefault(f"{name}, {st}", max(size, largest.get((st, key), 0)))
            # then the populated places, by population, under their own names
            for st, key, rows in table.by_key():
                for r in rows:
                    p = table.at(r)
                    if fold(p.name) == key:
                        names.setdefault(f"{p.name}, {st}", p.population)
            self._choices = names
        return self._choices


class OldTypoReader:
    """typos.py before the index: rapidfuzz over every place name of the state."""

    def __init__(self, gaz: Gazetteer) -> None:
        self.names: dict[str, dict[str, str]] = defaultdict(dict)
        for (state, key), name in gaz.place_names.items():
            self.names[state][key] = name
        for state, key, rows in gaz.geoplaces.by_key():
            name = gaz.geoplaces.at(rows[0]).name
            if fold(name) == key:
                self.names[state].setdefault(key, name)

    def read_as(self, text: str, state: str) -> str | None:
        pool = self.names.get(state)
        if not pool:
            return None
        hits = process.extract(fold(text), list(pool), scorer=fuzz.ratio, limit=2)
        if not hits or hits[0][1] < ACCEPT:
            return None
        if len(hits) > 1 and hits[0][1] - hits[1][1] < MARGIN:
            return None
        return pool[hits[0][0]]


def mutate(rng: random.Random, name: str) -> str:
    """One edit: a letter dropped, two swapped, one inserted or one replaced."""
    i = rng.randrange(len(name))
    op = rng.choice(("drop", "swap", "insert", "replace"))
    if op == "drop" and len(name) > 1:
        return name[:i] + name[i + 1 :]
    if op == "swap" and i < len(name) - 1 and name[i] != name[i + 1]:
        return name[:i] + name[i + 1] + name[i] + name[i + 2 :]
    if op == "insert":
        return name[:i] + rng.choice(string.ascii_lowercase) + name[i:]
    return (
        name[:i] + rng.choice(string.ascii_lowercase.replace(name[i].lower(), "")) + name[i + 1 :]
    )
