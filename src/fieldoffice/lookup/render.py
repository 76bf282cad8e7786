"""Answers and offices as readable text for the terminal; and the JSON body every door sends."""

from __future__ import annotations

import textwrap
from typing import Any

from fieldoffice.core.answer import Answer, OfficeRef, with_wording
from fieldoffice.core.models import Office
from fieldoffice.directory.territory import TerritoryMap
from fieldoffice.lookup.offices import OfficeSummary
from fieldoffice.lookup.wording import Gettext, sentence

_WIDTH = 100


def wrap_text(text: str, indent: str = "  ") -> str:
    return textwrap.fill(text, width=_WIDTH, initial_indent=indent, subsequent_indent=indent)


def _contact(ref: OfficeRef | OfficeSummary) -> str:
    channels = " · ".join(x for x in (ref.phone, ref.email) if x)
    return f"{channels} ({ref.contact_source})" if channels else "no contact listed"


def answer_body(a: Answer, gettext: Gettext | None = None) -> Any:
    """The JSON of an answer (API, `locate --json`): its fields, and its reason worded."""
    return with_wording(a, sentence(a, gettext) if gettext else sentence(a))


def answer_text(a: Answer) -> str:
    head = f"{a.query}: {a.status}"
    if a.confidence:
        head += f" (confidence: {a.confidence})"
    lines = [head]
    for ref in a.offices:
        side = ""
        if ref.side == "nearby" and ref.distance_km is None:  # a ZIP's area reaches it (Census)
            side = " [nearby]"
        elif ref.side == "nearby":
            side = f" [nearby, {ref.distance_km:.1f} km]"
        k = len(ref.counties or ())
        counties = f" [{k} {'county' if k == 1 else 'counties'}]" if a.status == "split" else ""
        lines.append(f"  -> {ref.name}, {ref.city}, {ref.state}{side}{counties}")
        lines.append(f"     {_contact(ref)}")
    if a.nearest_office:
        n = a.nearest_office
        lines.append(
            f"  nearest office: {n.name}, {n.city}, {n.state} ({n.distance_km or 0:.0f} km)"
        )
        lines.append(f"     {_contact(n)}")
    far = a.reason_params.get("no_office_near")
    if far:  # decided in decide.py: the nearest office is too far to be of use
        line = a.reason_params.get("national_line") or "the national media line"
        lines.append(f"  no office within {far['max_km']:,.0f} km: call the national line, {line}")
    lines.append(wrap_text(sentence(a)))  # names the suggestions, if any
    return "\n".join(lines)


def office_text(
    office: Office, card: OfficeSummary, territories: TerritoryMap, county_label: dict[str, str]
) -> str:
    claims = territories.by_office[office.id]
    lines = [
        f"{office.name} ({office.id})",
        f"  {office.city}, {office.state}",
        f"  contact: {_contact(card)}",
        f"  AOR: {office.aor}",
    ]
    by_phrase: dict[str, list[str]] = {}
    for fips, claim in claims.items():
        by_phrase.setdefault(claim.phrase, []).append(fips)
    lines.append(f"  {len(claims)} counties:")
    for phrase, fipses in by_phrase.items():
        confs = sorted({claims[f].confidence for f in fipses})
        lines.append(f"    '{phrase}': {len(fipses)} (confidence: {', '.join(confs)})")
        lines.append(wrap_text(", ".join(sorted(county_label[f] for f in fipses)), indent="      "))
    return "\n".join(lines)
