"""A place name without its state ("Houston", "Reno"): every state that has a place of that name,
ranked by size.

Size is the number of ZIP codes the USPS files under the name (its main city name; a name only
some ZIP codes accept as an alternative counts those): Houston, TX has 190, Houston, MO one. Which
one a bare "Houston" means is a rule of the decider's (lookup/decide.py, `dominant`).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from fieldoffice.core.text import fold
from fieldoffice.geo.gazetteer import Gazetteer


@dataclass(frozen=True)
class Candidate:
    name: str  # as the USPS writes it, title case: "Houston"
    state: str
    zip_codes: int


class PlaceNames:
    def __init__(self, gaz: Gazetteer) -> None:
        self.by_name: dict[str, list[Candidate]] = defaultdict(list)
        names = gaz.place_names.items()
        for ((state, key), name), size in zip(names, gaz.places.sizes().tolist(), strict=True):
            self.by_name[key].append(Candidate(name, state, size))
        for found in self.by_name.values():
            found.sort(key=lambda c: (-c.zip_codes, c.state))

    def candidates(self, text: str) -> list[Candidate]:
        """Every state's place of this name, largest first."""
        return list(self.by_name.get(fold(text), ()))
