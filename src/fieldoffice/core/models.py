"""The nouns of fieldoffice as plain typed dataclasses: Directory, Office, Region, Claim.

The answer to a lookup lives in answer.py; its statuses are the one vocabulary below.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Literal, get_args

Confidence = Literal["high", "medium-high", "medium", "low"]
CONFIDENCE_RANK: dict[str, int] = {"low": 0, "medium": 1, "medium-high": 2, "high": 3}
# A reading of a name as a place the data knows, where the name may mean one it lacks, is never
# more certain than this (a misspelling read as a town; a neighbourhood by a name that needs its
# state: "Hillcrest, CA").
GUESS_CONFIDENCE: Confidence = "medium"

Status = Literal[
    "matched", "split", "overlap", "near_boundary", "uncovered", "ambiguous", "not_found", "invalid"
]
# The one status vocabulary: batch stores a status as its position in this tuple.
STATUSES: tuple[Status, ...] = get_args(Status)


def weakest(confidences: list[str]) -> str | None:
    return min(confidences, key=CONFIDENCE_RANK.__getitem__) if confidences else None


@dataclass(frozen=True)
class Contact:
    name: str
    phone: str | None
    email: str | None
    text: str | None = None
    about: str | None = None


@dataclass(frozen=True)
class Notice:
    id: str
    kind: str
    text: str
    summary: str | None = None  # a short form written for the site (the page's words stay in text)


@dataclass(frozen=True)
class Translation:
    """The directory's own words in another language (`[directory.translations.<lang>]`): a
    translation of the official text, which stays the reference. Anything absent stays as written."""

    statement: str  # says it is a translation, of what, and which text prevails
    organization: str | None = None
    unit: str | None = None
    title: str | None = None
    media_name: str | None = None
    media_text: str | None = None
    media_about: str | None = None
    credit_line: str | None = None
    notices: dict[str, str] = field(default_factory=dict)  # notice id -> text
    summaries: dict[str, str] = field(default_factory=dict)  # notice id -> short form


@dataclass(frozen=True)
class Clause:
    """One piece of an AOR: the phrase as published and what it means in counties."""

    phrase: str
    state: str | None = None
    region: str | None = None
    counties: tuple[str, ...] = ()
    except_regions: tuple[str, ...] = ()
    except_counties: tuple[str, ...] = ()


@dataclass(frozen=True)
class Office:
    id: str
    name: str
    city: str
    state: str
    aor: str
    clauses: tuple[Clause, ...]
    lat: float | None = None
    lon: float | None = None
    phone: str | None = None
    email: str | None = None


@dataclass(frozen=True)
class Directory:
    organization: str
    unit: str
    title: str
    source: str
    effective_date: dt.date
    media: Contact
    offices: tuple[Office, ...]
    notices: tuple[Notice, ...] = ()
    credit_line: str | None = None
    data_version: dict[str, Any] = field(default_factory=dict)
    path: str = ""
    official_domains: tuple[str, ...] = ()
    guidance: dict[str, list[str]] = field(default_factory=dict)  # language -> lines
    reported: tuple[dict[str, Any], ...] = ()  # {contact, date, note}
    # the verification block's own contacts (the page's tip line...): {id, name, purpose, phone, email, text}
    listed_contacts: tuple[dict[str, Any], ...] = ()
    translations: dict[str, Translation] = field(default_factory=dict)  # language -> its words

    def office(self, office_id: str) -> Office | None:
        return next((o for o in self.offices if o.id == office_id), None)

    def guidance_in(self, lang: str) -> list[str]:
        """The guidance in `lang`, or the English where the directory has none in that language."""
        return self.guidance.get(lang) or self.guidance.get("en", [])


@dataclass(frozen=True)
class Region:
    id: str
    name: str
    state: str
    source: str
    counties: dict[str, tuple[str, str | None]]  # fips -> (confidence, note)


@dataclass(frozen=True)
class Claim:
    """An office's claim on one county, and the AOR phrase that makes it."""

    office_id: str
    phrase: str
    region_id: str | None
    confidence: str
    note: str | None = None
