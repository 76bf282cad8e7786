"""How a name several places share is ranked: the one rule, with its threshold (issue 20).

A name several places share ("Houston", "Woodlawn, VA", "Cook County", "Hennepin") means its
largest place when that one has at least DOMINANCE times the next one's size; else it is
ambiguous. Size is population (a county's: the people of its populated places), else ZIP codes.
"""

from __future__ import annotations

from collections.abc import Sequence

from fieldoffice.lookup.understand import Named

DOMINANCE = 3


def dominant(sizes: Sequence[int]) -> bool:
    """Does the first of several places of one name (largest first, by population) clearly
    outrank the rest: DOMINANCE times the next? The only one always does; places of no known
    size never do."""
    if len(sizes) == 1:
        return True
    top, second = sizes[0], sizes[1]
    return top > 0 and top >= DOMINANCE * second


def sizes_of(named: Sequence[Named]) -> list[int]:
    """What ranks the places of one name: population where any is known, else ZIP codes."""
    if any(n.population for n in named):
        return [n.population for n in named]
    return [n.zip_codes for n in named]


def named_dominant(named: Sequence[Named]) -> bool:
    """dominant, by sizes_of; where a county is one of the two largest, by its ZIP codes too: a
    county's people are counted from its places, short where few live in them ("Orange County":
    California's 3.3 million against Florida's 0.9 million counted, 1.4 million in fact)."""
    if not dominant(sizes_of(named)):
        return False
    return all(n.place is not None for n in named[:2]) or dominant([n.zip_codes for n in named])
