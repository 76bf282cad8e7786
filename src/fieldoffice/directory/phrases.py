"""AOR text -> territory clauses: "Northern California, Northern Nevada" -> two region clauses.

Longest match first, over the phrases fieldoffice knows: named regions (by their published
name), state names and USPS codes, "Washington State", "DC", and county lists ("San Diego and
Imperial Counties", "Clark County") in the office's state. Commas, "and", "/" and "&" separate
clauses; a parenthetical remark ("(Seattle Office)") is noted and left out. Anything else is
reported as unresolved, with its exact text, never dropped silently.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from fieldoffice.core.models import Clause, Region
from fieldoffice.core.text import fold
from fieldoffice.geo.gazetteer import Gazetteer

_SEPARATORS = re.compile(r"^(?:\s*(?:,|;|/|&|\band\b)\s*|\s+)", re.IGNORECASE)
_PAREN = re.compile(r"^\s*\(([^)]*)\)")
_COUNTIES = re.compile(
    r"^(?P<names>[A-Z][\w .'-]*?(?:\s*(?:,|and|&)\s*[A-Z][\w .'-]*?)*)\s+Count(?:y|ies)\b"
)


@dataclass
class Resolution:
    text: str
    clauses: list[Clause] = field(default_factory=list)
    unresolved: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.unresolved and bool(self.clauses)


class PhraseResolver:
    def __init__(self, gaz: Gazetteer, regions: Mapping[str, Region]) -> None:
        self.gaz = gaz
        self.regions = regions
        # folded phrase -> clause target, longest phrases tried first
        self.known: dict[str, tuple[str, str]] = {}
        for s in gaz.states:
            self.known[fold(s.name)] = ("state", s.usps)
            self.known[fold(s.usps)] = ("state", s.usps)
        self.known[fold("Washington State")] = ("state", "WA")
        self.known[fold("District of Columbia")] = ("state", "DC")
        self.known[fold("Washington, DC")] = ("state", "DC")
        for r in regions.values():
            self.known[fold(r.name)] = ("region", r.id)
        self._by_length = sorted(self.known, key=len, reverse=True)

    def resolve(self, text: str, *, state: str | None = None) -> Resolution:
        """Clauses for an AOR text; `state` (the office's) is where bare county names are looked up."""
        out = Resolution(text)
        rest = text.strip()
        while rest:
            m = _SEPARATORS.match(rest)
            if m and m.end():
                rest = rest[m.end() :]
                continue
            m = _PAREN.match(rest)
            if m:
                out.notes.append(f"left out the remark ({m.group(1)})")
                rest = rest[m.end() :]
                continue
            hit = self._known_prefix(rest)
            if hit is not None:
                phrase, (kind, value) = hit
                out.clauses.append(Clause(phrase=phrase, **{kind: value}))  # type: ignore[arg-type]
                rest = rest[len(phrase) :]
                continue
            counties = self._counties_prefix(rest, state)
            if counties is not None:
                phrase, fipses = counties
                out.clauses.append(Clause(phrase=phrase, counties=tuple(fipses)))
                rest = rest[len(phrase) :]
                continue
            # nothing known starts here: report up to the next separator
            stop = re.search(r",|;|/|\(|\band\b", rest[1:])
            end = stop.start() + 1 if stop else len(rest)
            out.unresolved.append(rest[:end].strip())
            rest = rest[end:]
        return out

    def _known_prefix(self, rest: str) -> tuple[str, tuple[str, str]] | None:
        """The longest known phrase the text starts with, as written in the text."""
        words = rest.split()
        for n in range(min(len(words), 8), 0, -1):
            candidate = " ".join(words[:n])
            key = fold(candidate)
            if key in self.known:
                # the phrase as written: up to the end of the n-th word in the original text
                m = re.match(r"\s*" + r"\s+".join(re.escape(w) for w in words[:n]), rest)
                assert m is not None
                written = m.group(0).strip().rstrip(",;")
                if fold(written) == key:
                    return written, self.known[key]
        return None

    def _counties_prefix(self, rest: str, state: str | None) -> tuple[str, list[str]] | None:
        if state is None:
            return None
        m = _COUNTIES.match(rest)
        if not m:
            return None
        names = [
            n.strip() for n in re.split(r"\s*(?:,|\band\b|&)\s*", m.group("names")) if n.strip()
        ]
        fipses = []
        for name in names:
            fips = self.gaz.county_names.resolve(state, name) or self.gaz.county_names.resolve(
                state, name + " County"
            )
            if fips is None:
                return None
            fipses.append(fips)
        return m.group(0), fipses


def describe(res: Resolution, gaz: Gazetteer, regions: Mapping[str, Region]) -> list[str]:
    """Readable lines: each clause, its counties (count and confidence), and what is left over."""
    lines = []
    for c in res.clauses:
        if c.state:
            n = len(gaz.state_counties(c.state))
            lines.append(f"'{c.phrase}': state {c.state}, {n} counties (confidence: high)")
        elif c.region:
            r = regions[c.region]
            confs = sorted({conf for conf, _ in r.counties.values()})
            lines.append(
                f"'{c.phrase}': region {r.id}, {len(r.counties)} counties (confidence: {', '.join(confs)})"
            )
        else:
            labels = ", ".join(gaz.county_by_fips[f].label for f in c.counties)
            lines.append(f"'{c.phrase}': {len(c.counties)} counties: {labels} (confidence: high)")
    lines += [f"note: {n}" for n in res.notes]
    lines += [f"unresolved: {u!r}" for u in res.unresolved]
    if any(re.search(r"\bCount(y|ies)\b", u) for u in res.unresolved):
        lines.append("hint: county names are looked up in one state: add --state ST")
    return lines
