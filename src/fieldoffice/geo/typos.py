"""A misspelt place with its state given ("San Fransisco, CA"): the one close name in that state.

Only a single clear match is read as the place (the answer says it was read so); anything less
certain stays a suggestion. Similarity is rapidfuzz's plain edit ratio on folded names, which
does not reward a name for merely containing the query the way partial scorers do.
"""

from __future__ import annotations

from collections import defaultdict

from fieldoffice.geo.gazetteer import Gazetteer
from fieldoffice.text import fold

ACCEPT = 80.0  # the best name must score at least this (0-100) ...
MARGIN = 8.0  # ... and this much more than the next best


class TypoReader:
    def __init__(self, gaz: Gazetteer) -> None:
        self.names: dict[str, dict[str, str]] = defaultdict(dict)  # state -> folded -> as written
        for (state, key), name in gaz.place_names.items():
            self.names[state][key] = name

    def read_as(self, text: str, state: str) -> str | None:
        """The place name in `state` that `text` is a clear misspelling of, or None."""
        from rapidfuzz import fuzz, process  # only misses need it

        pool = self.names.get(state)
        if not pool:
            return None
        hits = process.extract(fold(text), list(pool), scorer=fuzz.ratio, limit=2)
        if not hits or hits[0][1] < ACCEPT:
            return None
        if len(hits) > 1 and hits[0][1] - hits[1][1] < MARGIN:
            return None
        return pool[hits[0][0]]
