"""County names as people write them -> FIPS, within a state. Geography only: no directory here."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from fieldoffice.core.text import fold
from fieldoffice.geo.boundaries import County


def squeeze(folded: str) -> str:
    """A folded name without its spaces: "De Kalb" and "DeKalb", "Point Blank" and "Pointblank",
    "Mc Kittrick" and "McKittrick" are each one name, written two ways."""
    return folded.replace(" ", "")


class SortedKeys(Protocol):
    """A sorted string column that finds a string in itself (gazetteer.StrColumn)."""

    def index_of(self, text: str) -> int: ...


def put_squeezed(
    a: dict[str, npt.NDArray[Any]],
    name: str,
    keys: Sequence[str],
    put_strings: Callable[[dict[str, npt.NDArray[Any]], str, Sequence[str]], None],
) -> None:
    """Sorted keys as the column `name`, and beside it their squeezed forms that only one key
    has (sorted, with that key's index): what a key not found by its spacing may be."""
    put_strings(a, name, keys)
    of: dict[str, list[int]] = {}
    for i, k in enumerate(keys):
        of.setdefault(squeeze(k), []).append(i)
    one = sorted(s for s, ix in of.items() if len(ix) == 1)
    put_strings(a, name + ".sq", one)
    a[name + ".sqi"] = np.array([of[s][0] for s in one], dtype=np.int32)


class Squeezed:
    """Finds a key in a column put by put_squeezed: as written, else the one key that is the
    same without spaces (-1 when none, or when several are)."""

    def __init__(self, a: Mapping[str, npt.NDArray[Any]], name: str,
                 str_column: Callable[[Mapping[str, npt.NDArray[Any]], str], SortedKeys]) -> None:  # fmt: skip
        self._squeezed = str_column(a, name + ".sq")
        self._of = a[name + ".sqi"]

    def find(self, keys: SortedKeys, text: str) -> int:
        i = keys.index_of(text)
        if i >= 0:
            return i
        j = self._squeezed.index_of(squeeze(text))
        return int(self._of[j]) if j >= 0 else -1


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
            self._squeezed.setdefault((c.state, squeeze(name)), []).append(c.fips)
        self._short = short

    def resolve(self, state: str, name: str) -> str | None:
        key = (state, fold(name))
        if key in self._full:
            return self._full[key]
        hits = self._short.get(key, [])
        if len(hits) == 1:
            return hits[0]
        squeezed = self._squeezed.get((state, squeeze(key[1])), [])
        return squeezed[0] if len(squeezed) == 1 else None

    def ambiguous(self, state: str, name: str) -> list[str]:
        return self._short.get((state, fold(name)), [])
