"""The page's blocks -> its offices: each 'NAME Office', 'CITY,', 'ST', 'AOR: ...' under a state
heading, its AOR resolved into clauses. Whatever cannot be resolved is a problem with the exact
text and the office it came from; every block that looks like part of an office but was not read
as one is reported with its text and position."""

from __future__ import annotations

import re
from typing import Any

from fieldoffice.core.errors import InvalidInput
from fieldoffice.core.models import Directory
from fieldoffice.directory.phrases import PhraseResolver, Resolution
from fieldoffice.editing.ingest.limits import MAX_AOR_CHARS, MAX_OFFICES
from fieldoffice.editing.ingest.page import Block
from fieldoffice.editing.ingest.report import Problem, clip
from fieldoffice.geo.gazetteer import Gazetteer

_OFFICE_NAME = re.compile(r"^(?P<name>.+?(?:Office|Headquarters))$")
_CITY = re.compile(r"^(?P<city>[^,]+),$")
_USPS = re.compile(r"^[A-Z]{2}$")
_AOR = re.compile(r"^AOR:\s*(?P<aor>.*)$")

# What makes a block look like part of an office (all linear: no unbounded run before a choice).
_SIG_AOR = re.compile(r"\bAOR\b|\barea of responsibility\b", re.I)
_SIG_OFFICE = re.compile(r"\b(?:Office|Headquarters)\b")
_SIG_CITY_ST = re.compile(r"[A-Za-z.],[ \t\xa0]?([A-Z]{2})\b")
_SIG_PHONE = re.compile(r"(?<!\d)\(?\d{3}\)?[ .-]?\d{3}[ .-]\d{4}(?!\d)")
_SIG_EMAIL = re.compile(r"[\w.+-]@[\w-]+\.\w")
_OFFICE_PART = ("an AOR line", "a state heading", "a state code", "a city", "a city and state")


class Reading:
    """Which blocks were read (as an office, or a state heading with an office under it), which
    were already reported, and then: which of the rest look like part of an office."""

    def __init__(self, blocks: list[Block], gaz: Gazetteer) -> None:
        self.blocks = blocks
        self.gaz = gaz
        self.read = [False] * len(blocks)
        self.reported = [False] * len(blocks)
        self.heading: list[str | None] = [None] * len(blocks)  # the state heading above each

    def signals(self, text: str) -> list[str]:
        """What in `text` looks like part of an office. (Each pattern runs only where a plain
        substring test says it may match: a block can be megabytes long.)"""
        out = []
        lowered = text.lower()
        if ("aor" in lowered or "area of responsibility" in lowered) and _SIG_AOR.search(text):
            out.append("an AOR line")
        short = len(text) <= 40
        st = self.gaz.state(text) if short else None
        if st is not None:
            out.append("a state code" if _USPS.match(text) else "a state heading")
        if ("Office" in text or "Headquarters" in text) and _SIG_OFFICE.search(text):
            out.append("an office name")
        if short and _CITY.match(text):
            out.append("a city")
        if "," in text:
            for m in _SIG_CITY_ST.finditer(text):
                if self.gaz.state(m.group(1)) is not None:
                    out.append("a city and state")
                    break
        if any(d in text for d in "0123456789") and _SIG_PHONE.search(text):
            out.append("a phone number")
        if "@" in text and _SIG_EMAIL.search(text):
            out.append("an email address")
        return out

    def unread(self, spans: list[tuple[int, int]]) -> list[Problem]:
        """Blocks not read that look like part of an office. Inside the list of offices (from
        the first office, "AOR:" line or reported block to the last, and the blocks with signs
        of an office right around them) one sign is enough; elsewhere (navigation, footer) it
        takes two, or an "AOR:" line. What the page's media contact, tip line, notice, credit
        line and "about" paragraph say (`spans`) is theirs, not an office's."""
        signs = [self.signals(rest) if (rest := _uncovered(b, spans)) else [] for b in self.blocks]
        lo, hi = self._office_list(signs)
        out = []
        for k, b in enumerate(self.blocks):
            if self.read[k] or self.reported[k] or not signs[k]:
                continue
            inside = lo <= k <= hi
            if not inside and len(signs[k]) < 2 and "an AOR line" not in signs[k]:
                continue
            heading = self.heading[k] if "a state heading" not in signs[k] else None
            under = f" under {heading}" if heading else ""  # (a heading is under none)
            out.append(Problem(f"{b.position}{under}", clip(b.text),
                               f"looks like part of an office ({', '.join(signs[k])}) but was not read as one",
                               "unreadable", b.position))  # fmt: skip
        return out

    def _office_list(self, signs: list[list[str]]) -> tuple[int, int]:
        """The first and last block of the list of offices (lo > hi when there is none)."""
        n = len(self.blocks)
        anchors = [
            k for k in range(n) if self.read[k] or self.reported[k] or "an AOR line" in signs[k]
        ]
        if not anchors:
            return 0, -1
        lo, hi = anchors[0], anchors[-1]
        for _ in range(4):  # a first office read badly: its heading, name, city and state
            if lo > 0 and signs[lo - 1] and not self.read[lo - 1]:
                lo -= 1
        for _ in range(4):
            if hi + 1 < n and signs[hi + 1] and not self.read[hi + 1]:
                hi += 1
        return lo, hi

    def block_end(self, start: int, end: int) -> int:
        """Where a match starting at `start` ends, cut before the first block after its own that
        is part of an office (read as one, reported, or with a sign of one other than the word
        "Office"): a notice whose page puts no blank line after it must not swallow the office
        list that follows, and may run on over the lines of its own sentences."""
        for k, b in enumerate(self.blocks):
            if b.start >= end:
                break
            if b.start > start and (
                self.read[k]
                or self.reported[k]
                or any(x in _OFFICE_PART for x in self.signals(b.text))
            ):
                prev = self.blocks[k - 1]
                return min(end, prev.end)
        return end


def _uncovered(b: Block, spans: list[tuple[int, int]]) -> str:
    """The block's text outside the page's other parts (spans in flattened-text offsets)."""
    cut = sorted((max(s, b.start), min(e, b.end)) for s, e in spans if s < b.end and e > b.start)
    if not cut:
        return b.text
    flat = re.sub(r"[ \t]+", " ", b.text)
    pieces, at = [], b.start
    for s, e in cut:
        if s > at:
            pieces.append(flat[at - b.start : s - b.start])
        at = max(at, e)
    pieces.append(flat[at - b.start :])
    return " ".join(p.strip() for p in pieces if p.strip())


def read_offices(blocks: list[Block], gaz: Gazetteer, resolver: PhraseResolver, current: Directory | None,
                 problems: list[Problem], reading: Reading) -> list[dict[str, Any]]:  # fmt: skip
    """The offices listed under their state headings, as the directory file writes them (the
    current directory's id, coordinates, phone and email kept for an office of the same name).
    Problems are appended to `problems`; blocks read or reported are marked in `reading`."""
    return _OfficeList(blocks, gaz, resolver, current, problems, reading).read()


class _OfficeList:
    def __init__(self, blocks: list[Block], gaz: Gazetteer, resolver: PhraseResolver,
                 current: Directory | None, problems: list[Problem], reading: Reading) -> None:  # fmt: skip
        self.blocks, self.text = blocks, [b.text for b in blocks]
        self.gaz, self.resolver, self.problems, self.reading = gaz, resolver, problems, reading
        self.known = {o.name: o for o in current.offices} if current else {}
        self.heading: str | None = None
        self.heading_at: int | None = None
        self.out: list[dict[str, Any]] = []

    def read(self) -> list[dict[str, Any]]:
        text, n, i = self.text, len(self.text), 0
        while i < n:
            b = text[i]
            self.reading.heading[i] = self.heading
            if len(b) <= 40 and self.gaz.state(b) is not None and not _USPS.match(b):
                self.heading, self.heading_at = b, i
                i += 1
                continue
            m = _OFFICE_NAME.match(b) if len(b) <= 200 else None
            city = _CITY.match(text[i + 1]) if m and i + 1 < n else None
            if m and city:
                i = self._office(i, m.group("name"), city.group("city").strip())
            else:
                i += 1
        ids = [o["id"] for o in self.out]
        for oid in sorted({x for x in ids if ids.count(x) > 1}):
            self.problems.append(
                Problem(f"office id {oid!r}", oid, "two offices would share this id", "duplicate")
            )
        return self.out

    def _office(self, i: int, name: str, city: str) -> int:
        """The office named in block `i`, read or reported with its city, state and AOR; the
        block to go on from."""
        text, n, reading = self.text, len(self.text), self.reading
        st = text[i + 2] if i + 2 < n else ""
        aor_m = _AOR.match(text[i + 3]) if i + 3 < n else None
        where = f"office {name!r} under {self.heading or 'no state heading'}"
        at = self.blocks[i].position
        for k in range(i, min(i + 4, n)):
            reading.heading[k] = self.heading
        if self.heading_at is not None:  # (an office reported below it: not reported again)
            reading.reported[self.heading_at] = True
        if not _USPS.match(st) or self.gaz.state(st) is None:
            why = "expected the office's state as a 2-letter code; the office is left out"
            self._left_out(Problem(where, clip(st), why, "unreadable", at), i, min(i + 4 if aor_m else i + 3, n))  # fmt: skip
            return i + 2
        if aor_m is None:
            found = clip(text[i + 3]) if i + 3 < n else ""
            why = "no 'AOR: ...' line; the office is left out"
            self._left_out(Problem(where, found, why, "unreadable", at), i, i + 3)
            return i + 3
        aor = " ".join(aor_m.group("aor").split())  # no-break spaces and runs of spaces: one
        if len(aor) > MAX_AOR_CHARS:
            why = f"the AOR is {len(aor):,} characters, more than an AOR's {MAX_AOR_CHARS:,}; the office is left out"
            self._left_out(Problem(where, clip(aor), why, "unreadable", at), i, i + 4)
            return i + 4
        if len(self.out) >= MAX_OFFICES:
            raise InvalidInput(f"the page lists more than {MAX_OFFICES} offices; refused",
                               hint="save just the contact page")  # fmt: skip
        res = self.resolver.resolve(aor, state=st)
        for u in res.unresolved:
            self.problems.append(Problem(where, u, f"cannot resolve this part of the AOR {aor!r}",
                                         "unresolved", self.blocks[i + 3].position))  # fmt: skip
        self.out.append(self._entry(name, city, st, aor, res))
        for k in range(i, i + 4):
            reading.read[k] = True
        if self.heading_at is not None:
            reading.read[self.heading_at] = True
        return i + 4

    def _left_out(self, problem: Problem, start: int, end: int) -> None:
        self.problems.append(problem)
        for k in range(start, end):
            self.reading.reported[k] = True

    def _entry(self, name: str, city: str, st: str, aor: str, res: Resolution) -> dict[str, Any]:
        """The office as the directory file writes it."""
        prev = self.known.get(name)
        office: dict[str, Any] = {"id": prev.id if prev else _slug(name), "name": name, "city": city,
                                  "state": st, "aor": aor}  # fmt: skip
        if prev and prev.lat is not None and prev.lon is not None and (prev.city, prev.state) == (city, st):  # fmt: skip
            office["lat"], office["lon"] = prev.lat, prev.lon
        if prev and prev.phone:
            office["phone"] = prev.phone
        if prev and prev.email:
            office["email"] = prev.email
        office["territory"] = [
            {k: v for k, v in (("phrase", c.phrase), ("state", c.state), ("region", c.region),
                               ("counties", list(c.counties) or None)) if v}
            for c in res.clauses
        ] or [{"phrase": aor or "(empty)", "counties": []}]  # fmt: skip
        return office


def _slug(name: str) -> str:
    base = re.sub(r"\s+Office$", "", name.strip())
    return re.sub(r"[^a-z0-9]+", "-", base.lower()).strip("-") or "office"
