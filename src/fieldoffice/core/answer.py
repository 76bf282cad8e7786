"""What a lookup answers, as typed dataclasses: decided by decide.py, worded by wording.py.

The JSON of the API and of `locate --json` is `AnswerBody` as it is (orjson serialises it: an
Answer's fields, flat, and its reason worded), and the API's OpenAPI schema is derived from it, so
the schema and the core cannot drift. No English lives here: a reason is a code with its parameters.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from enum import StrEnum
from typing import Any, Literal

from fieldoffice.core.models import Confidence, Status

Side = Literal["inside", "nearby"]
ContactSource = Literal["office", "national media line"]


class ReasonCode(StrEnum):
    """Why an answer is what it is. wording.py turns each into a sentence (and a short form)."""

    IN_TERRITORY = "in_territory"  # matched
    CLAIMED_BY_SEVERAL = "claimed_by_several"  # overlap
    SPANS_OFFICES = "spans_offices"  # split
    PARTLY_COVERED = "partly_covered"  # split: one office and counties no office claims
    NO_OFFICE = "no_office"  # uncovered
    NEAR_LINE = "near_line"  # near_boundary: inside a county, close to another territory
    JUST_OUTSIDE = "just_outside"  # near_boundary: just outside every county
    OFFSHORE = "offshore"  # uncovered: just outside every county, the nearest has no office
    ZIP_MAY_CROSS = "zip_may_cross"  # near_boundary: a ZIP whose area may reach another territory
    OUTSIDE_COUNTIES = "outside_counties"  # not_found: a point far from every county
    MILITARY_ZIP = "military_zip"  # not_found: APO/FPO/DPO
    ASSOCIATED_STATE_ZIP = "associated_state_zip"  # not_found: FM, MH, PW
    NO_COUNTY = "no_county"  # not_found: a place with no county and no state to fall back on
    UNKNOWN_ZIP = "unknown_zip"  # not_found
    NOTHING_MATCHES = "nothing_matches"  # not_found: text that names no place
    SEVERAL_PLACES = "several_places"  # ambiguous: a name without a state, in several states
    UNREADABLE = "unreadable"  # invalid: the parser's own message in params["message"]
    BAD_NUMBER = "bad_number"  # invalid (batch): latitude or longitude is not a number
    OUT_OF_RANGE = "out_of_range"  # invalid (batch)
    MISSING = "missing"  # invalid (batch): empty cell
    BAD_ZIP = "bad_zip"  # invalid (batch): not 5 digits or ZIP+4


@dataclass(frozen=True)
class Reason:
    code: ReasonCode
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class OfficeCard:
    """Who an office is, where, and how to reach it."""

    id: str
    name: str
    city: str
    state: str
    phone: str | None
    email: str | None
    contact_source: ContactSource
    aor: str


@dataclass(frozen=True)
class OfficeRef(OfficeCard):
    """An office as an answer names it, and why it is named."""

    phrases: tuple[str, ...] = ()
    counties: tuple[str, ...] | None = None  # split: this office's share of the place
    side: Side | None = None  # near_boundary: the territory the point is in, or one nearby
    distance_km: float | None = None  # nearby / nearest: how far
    county: str | None = None  # nearby: the county of that office at that distance


@dataclass(frozen=True)
class CountyRef:
    fips: str
    name: str
    state: str
    offices: tuple[str, ...]
    phrases: tuple[str, ...]


@dataclass(frozen=True)
class ClaimRef:
    """One claim behind an answer: this office claims this county through this phrase."""

    fips: str
    office_id: str
    phrase: str
    region: str | None
    confidence: Confidence


@dataclass(frozen=True)
class Location:
    """The place a query was understood as."""

    kind: str  # state | county | zip | place | point | address
    name: str
    state: str | None
    lat: float | None
    lon: float | None
    zip: str | None = None
    city: str | None = None
    zip_type: str | None = None
    zips: tuple[str, ...] | None = None
    address: str | None = None


@dataclass(frozen=True)
class NationalContact:
    name: str
    phone: str | None
    email: str | None
    warnings: tuple[str, ...]


@dataclass(frozen=True)
class Alternative:
    """Another place the query could mean, and who answers for it."""

    name: str
    state: str
    status: Status
    offices: tuple[str, ...]  # ids of the responsible offices
    office_names: tuple[str, ...]
    zip_codes: int  # ZIP codes filed under it: ranks only places of no known population
    population: int = 0  # its people (the gazetteer's): what ranks the alternatives, largest first


@dataclass(frozen=True)
class Decision:
    """What the rules decided for a located thing. Everything but the wording."""

    status: Status
    reason: Reason
    offices: tuple[OfficeRef, ...] = ()
    counties: tuple[CountyRef, ...] = ()
    claims: tuple[ClaimRef, ...] = ()
    confidence: Confidence | None = None
    nearest_office: OfficeRef | None = None
    suggestions: tuple[str, ...] = ()
    alternatives: tuple[Alternative, ...] = ()

    @property
    def responsible(self) -> tuple[OfficeRef, ...]:
        """The offices whose territory holds the place (not the ones merely nearby)."""
        return tuple(o for o in self.offices if o.side != "nearby")


@dataclass(frozen=True)
class Answer:
    """One lookup: the query, where it was understood to be, and the decision.

    The decision's fields are read through it (`answer.status`, `answer.offices`...), as every
    door reads them; `AnswerBody` is what they send."""

    query: str
    location: Location | None
    decision: Decision
    national_contact: NationalContact

    @property
    def status(self) -> Status:
        return self.decision.status

    @property
    def reason_code(self) -> ReasonCode:
        return self.decision.reason.code

    @property
    def reason_params(self) -> dict[str, Any]:
        return self.decision.reason.params

    @property
    def counties(self) -> tuple[CountyRef, ...]:
        return self.decision.counties

    @property
    def offices(self) -> tuple[OfficeRef, ...]:
        return self.decision.offices

    @property
    def confidence(self) -> Confidence | None:
        return self.decision.confidence

    @property
    def suggestions(self) -> tuple[str, ...]:
        return self.decision.suggestions

    @property
    def nearest_office(self) -> OfficeRef | None:
        return self.decision.nearest_office

    @property
    def alternatives(self) -> tuple[Alternative, ...]:
        return self.decision.alternatives

    @property
    def responsible(self) -> tuple[OfficeRef, ...]:
        return self.decision.responsible


@dataclass(frozen=True)
class DirectoryVersion:
    """The directory an answer came from: the store's version in force (`version` is its id,
    `path` the store's URL without a password), or a directory file (`version` None, `path` the
    file). `effective_date` is when that version took effect (a store's version: the day it was
    published; a file: its own effective_date)."""

    source: Literal["store", "file"]
    effective_date: str
    path: str
    version: int | None = None

    def label(self) -> str:
        """In words: "version 3 of the store sqlite:///... (in force from 2025-05-01)"."""
        if self.version is not None:
            return (
                f"version {self.version} of the store {self.path} "
                f"(in force from {self.effective_date})"
            )
        return f"the directory file {self.path} (effective {self.effective_date})"


@dataclass(frozen=True)
class AnswerBody:
    """An Answer as the API and `locate --json` send it: its fields flat, and its reason worded."""

    query: str
    status: Status
    reason_code: ReasonCode
    reason_params: dict[str, Any]
    location: Location | None
    counties: tuple[CountyRef, ...]
    offices: tuple[OfficeRef, ...]
    confidence: Confidence | None
    suggestions: tuple[str, ...]
    nearest_office: OfficeRef | None
    alternatives: tuple[Alternative, ...]
    national_contact: NationalContact
    reason: str = ""
    # which directory answered: set by the command line (`locate --json`); the API names its
    # version in the ETag and /api/v1/versions, and leaves it out (None)
    directory_version: DirectoryVersion | None = None


def with_wording(
    answer: Answer, sentence: str, version: DirectoryVersion | None = None
) -> AnswerBody:
    values = {
        f.name: getattr(answer, f.name)
        for f in fields(AnswerBody)
        if f.name not in ("reason", "directory_version")
    }
    return AnswerBody(**values, reason=sentence, directory_version=version)
