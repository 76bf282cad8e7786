"""The slow paths the suggestion index replaced, kept as oracles for tests and benchmarks, and
the one-letter mutation both use to make near misses."""

from __future__ import annotations

import random
import string
from collections import defaultdict

from rapidfuzz import fuzz, process

from fieldoffice.core.text import fold
from fieldoffice.geo.gazetteer import Gazetteer
from fieldoffice.lookup.typos import ACCEPT, MARGIN


class OldTypoReader:
    """typos.py before the index: rapidfuzz over every place name of the state."""

    def __init__(self, gaz: Gazetteer) -> None:
        self.names: dict[str, dict[str, str]] = defaultdict(dict)
        for (state, key), name in gaz.place_names.items():
            self.names[state][key] = name

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
