"""County names as people write them -> FIPS, within a state. Geography only: no directory here."""

from __future__ import annotations

from collections.abc import Sequence

from fieldoffice.core.text import fold
from fieldoffice.geo.boundaries import County


class CountyNames:
    """County name -> FIPS within a state: legal name first, then a short name if it is unique.

    `folded` may give each county's folded legal and short names (as `fold` makes them, in the
    order of `counties`) when they are already known, as in a snapshot: folding is the slow part.
    """

    def __init__(
        self,
        counties: Sequence[County],
        folded: tuple[Sequence[str], Sequence[str]] | None = None,
    ) -> None:
        if folded is None:
            names = [fold(c.name) for c in counties]
            shorts = [fold(c.short_name) for c in counties]
        else:
            names, shorts = list(folded[0]), list(folded[1])
        self.by_state: dict[str, list[County]] = {}
        self._full: dict[tuple[str, str], str] = {}
        short: dict[tuple[str, str], list[str]] = {}
        # "De Kalb County" = "DeKalb County", "LaSalle Parish" = "La Salle Parish"
        self._squeezed: dict[tuple[str, str], list[str]] = {}
        for c, name, short_name in zip(counties, names, shorts, strict=True):
            self.by_state.setdefault(c.state, []).append(c)
            self._full[(c.state, name)] = c.fips
            short.setdefault((c.state, short_name), []).append(c.fips)
            self._squeezed.setdefault((c.state, name.replace(" ", "")), []).append(c.fips)
        self._short = short

    def resolve(self, state: str, name: str) -> str | None:
        key = (state, fold(name))
        if key in self._full:
            return self._full[key]
        hits = self._short.get(key, [])
        if len(hits) == 1:
            return hits[0]
        squeezed = self._squeezed.get((state, key[1].replace(" ", "")), [])
        return squeezed[0] if len(squeezed) == 1 else None

    def ambiguous(self, state: str, name: str) -> list[str]:
        return self._short.get((state, fold(name)), [])
