"""A place name without its state ("Houston", "Reno"): every place of that name, in every state,
ranked by population.

The places are the gazetteer's populated places (geo/places.py), each with its population; a
postal city name that is no such place (a name only the USPS uses) comes after them, with no
population, ranked by its ZIP codes. Which one a bare name means is a rule of the decider's
(lookup/ranking.py, `dominant`).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from fieldoffice.core.text import fold
from fieldoffice.geo.gazetteer import Gazetteer


@dataclass(frozen=True)
class Candidate:
    name: str  # as written: "Houston"
    state: str
    zip_codes: int  # ZIP codes the USPS files under the name in that state
    population: int = 0  # 0 for a postal name that is no populated place
    row: int = -1  # the place's row in the gazetteer's places, -1 for a postal name


class PlaceNames:
    def __init__(self, gaz: Gazetteer) -> None:
        self.by_name: dict[str, list[Candidate]] = defaultdict(list)
        zips = {
            key: size for key, size in zip(gaz.places, gaz.places.sizes().tolist(), strict=True)
        }
        table = gaz.geoplaces
        known: set[tuple[str, str]] = set()
        for state, key, rows in table.by_key():
            known.add((state, key))
            for r in rows:
                p = table.at(r)
                self.by_name[key].append(
                    Candidate(p.name, state, zips.get((state, key), 0), p.population, r)
                )
        for (state, key), name in gaz.place_names.items():
            if (state, key) not in known:
                self.by_name[key].append(Candidate(name, state, zips[(state, key)]))
        for found in self.by_name.values():
            found.sort(key=lambda c: (-c.population, -c.zip_codes, c.state, c.row))

    def candidates(self, text: str) -> list[Candidate]:
        """Every place of this name (as typed), largest first."""
        return self.of_key(fold(text))

    def of_key(self, key: str) -> list[Candidate]:
        """Every place of this folded name, largest first: for a reader that has folded it."""
        return list(self.by_name.get(key, ()))
