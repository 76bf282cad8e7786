"""A misspelt place with its state given ("San Fransisco, CA"): the one close name in that state.

Only a single clear match is read as the place (the answer says it was read so); anything less
certain stays a suggestion. Similarity is rapidfuzz's plain edit ratio on folded names, which
does not reward a name for merely containing the query the way partial scorers do. The names are
searched in the suggestion index (suggest.py), which scores only those that can come close.
"""

from __future__ import annotations

from fieldoffice.core.text import fold
from fieldoffice.lookup.suggest import Suggester

ACCEPT = 80.0  # the best name must score at least this (0-100) ...
MARGIN = 8.0  # ... and this much more than the next best


class TypoReader:
    def __init__(self, suggester: Suggester) -> None:
        self.suggester = suggester

    def read_as(self, text: str, state: str) -> str | None:
        """The place name in `state` that `text` is a clear misspelling of, or None."""
        return self.suggester.read_as(fold(text), state, ACCEPT, MARGIN)
