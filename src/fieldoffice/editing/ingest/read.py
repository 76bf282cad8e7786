"""A saved contact page -> a directory file's contents: the media contact, the tip line, the
notice, the credit line, the "about" paragraph and the offices, with what the page does not
print kept from the current directory file."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fieldoffice.core.errors import DataError, InvalidInput
from fieldoffice.core.models import Directory
from fieldoffice.directory.file import read_raw
from fieldoffice.directory.phrases import PhraseResolver
from fieldoffice.editing.ingest.offices import Reading, read_offices
from fieldoffice.editing.ingest.page import located_blocks, visible_text
from fieldoffice.editing.ingest.report import Ingested, Problem
from fieldoffice.geo.gazetteer import Gazetteer

NEEDED = ("a page needs, under each state heading ('Nevada'), each office as its own lines: "
          "'NAME Office', 'CITY,', 'ST', 'AOR: …' (examples/contact-page.txt is one)")  # fmt: skip
_PHONE = r"\(?\d{3}\)?[ .-]?\d{3}-\d{4}"
# Each of these is tried at a few places the page names ("For media inquiries", ...), over a
# bounded window, with atomic groups: never more than linear work whatever the page holds.
_WINDOW = 4_000
_TRIES = 20
_MEDIA = re.compile(
    rf"For media inquiries(?>[^.]*?contact the )(?P<name>[^.]+?) at (?P<phone>{_PHONE}) or email (?P<email>[\w.+-]+@[\w-]+(?:\.[a-z0-9-]+)+)"
)
_NOTE = re.compile(r"NOTE:.*?(?=\s*\*/|\s{3,}|$)", re.S)
_CREDIT = re.compile(r"When using (?>[^.]*?credit line).*?is requested\.", re.S)
_ABOUT = re.compile(r"OPA provides.*?page\.(?=When using|\s{2,}|$)", re.S)
_TIP = re.compile(
    r"Report Crimes:\s*(?:Email or Call\s*)?(?P<phone>1?[-. ]?\(?\d{3}\)?[-. ][0-9A-Z]{3}[-. ]?[0-9A-Z-]{4,6})"
)


def ingest(
    data: bytes, gaz: Gazetteer, resolver: PhraseResolver, current: Directory | None
) -> Ingested:
    """Read a page into a directory; problems are collected, not raised, except when nothing is there."""
    text, html = visible_text(data)
    flat = re.sub(r"[ \t]+", " ", text)
    located = located_blocks(text, html)
    media = _first(_MEDIA, flat, "For media inquiries")
    if media is None:
        raise InvalidInput("the page has no media contact ('For media inquiries ... contact the ... at PHONE or email ADDRESS')",
                           hint="save the whole contact page, not a part of it")  # fmt: skip
    reading = Reading(located, gaz)
    problems: list[Problem] = []
    offices = read_offices(located, gaz, resolver, current, problems, reading)
    parts = _Parts.find(flat, media, reading)
    unread = reading.unread(parts.spans())
    if not offices:
        raise _no_offices(media, parts, len(located), unread)
    problems += unread
    directory = _directory(parts, [b.text for b in located], current)
    return Ingested(
        {"schema": "fieldoffice-directory/1", "directory": directory, "office": offices}, problems
    )


def _no_offices(media: re.Match[str], parts: _Parts, blocks: int,
                unread: list[Problem]) -> InvalidInput:  # fmt: skip
    """The refusal of a page with no office: what it does have, and what a page needs."""
    name = " ".join(media.group("name").split())[:60]
    found = [f"a media contact ({name}, {media.group('phone')})"]
    found += [what for what, part in (("a tip line", parts.tip), ("a notice", parts.note),
              ("a credit line", parts.credit)) if part is not None]  # fmt: skip
    found.append(f"{blocks} block{'s' if blocks != 1 else ''} of text")
    said = ", ".join(found[:-1]) + " and " + found[-1]
    if unread:
        near = f"{unread[0].position} {unread[0].text[:80]!r} looks like one but could not be read"
        said += f", none read as an office ({near})"
    else:
        said += ", none shaped like an office"
    return InvalidInput(f"the page lists no offices that can be read: it has {said}",
                        hint=NEEDED)  # fmt: skip


@dataclass
class _Parts:
    """What the page says besides its offices, found in its flattened text."""

    flat: str
    media: re.Match[str]
    media_end: int
    tip: re.Match[str] | None
    about: re.Match[str] | None
    credit: re.Match[str] | None
    note: re.Match[str] | None
    note_end: int

    @classmethod
    def find(cls, flat: str, media: re.Match[str], reading: Reading) -> _Parts:
        media_end = media.end() + (1 if flat[media.end() : media.end() + 1] == "." else 0)
        note = _NOTE.search(flat)
        note_end = reading.block_end(note.start(), note.end()) if note else 0
        return cls(flat, media, media_end, _TIP.search(flat), _about(flat),
                   _first(_CREDIT, flat, "When using "), note, note_end)  # fmt: skip

    def spans(self) -> list[tuple[int, int]]:
        out = [(self.media.start(), self.media_end)]
        out += [(x.start(), x.end()) for x in (self.tip, self.about, self.credit) if x is not None]
        if self.note:
            out.append((self.note.start(), self.note_end))
        return out


def _directory(parts: _Parts, blocks: list[str], current: Directory | None) -> dict[str, Any]:
    """The [directory] table: what the page says, and what it does not kept from `current`."""
    media, flat = parts.media, parts.flat
    media_text = flat[media.start() : parts.media_end]
    directory: dict[str, Any] = {
        "organization": current.organization if current else "(organization)",
        "title": _title(blocks) or (current.title if current else "Field Offices"),
        "source": current.source if current else "ingested contact page",
        "effective_date": (current.effective_date.isoformat() if current else "1970-01-01"),
        "media": {"name": media.group("name").strip(), "phone": media.group("phone"),
                  "email": media.group("email"), "text": " ".join(media_text.split())},
    }  # fmt: skip
    if current and current.unit:
        directory["unit"] = current.unit
    directory.update(_kept_from(current))
    if parts.tip:  # the header's tip line is a contact the page prints: listed, with its purpose
        tip = parts.tip
        _put_tip_line(directory, tip.group("phone"), " ".join(tip.group(0).split()))
    if parts.about:
        # the saved page runs some sentences together ("public.ICE"): put the space back
        directory["media"]["about"] = re.sub(
            r"(?<=[a-z][.!?])(?=[A-Z])", " ", " ".join(parts.about.group(0).split())
        )
    if parts.credit:
        directory["credit_line"] = {"text": parts.credit.group(0).strip()}
    if parts.note:
        directory["notice"] = [_notice(flat[parts.note.start() : parts.note_end], current)]
    directory.update(_translations_kept(current, directory))
    return directory


def _notice(text: str, current: Directory | None) -> dict[str, str]:
    notice_text = " ".join(text.split())  # (lines break inside it)
    kind = "scam" if re.search(r"compromised|scam|fraud|spoof", notice_text, re.I) else "general"
    old = {n.text: n.id for n in current.notices} if current else {}
    return {"id": old.get(notice_text, "notice-1"), "kind": kind, "text": notice_text}


def _first(rx: re.Pattern[str], text: str, opening: str) -> re.Match[str] | None:
    """`rx` matched where `opening` occurs (the first _TRIES places), within _WINDOW characters."""
    pos = 0
    for _ in range(_TRIES):
        i = text.find(opening, pos)
        if i < 0:
            return None
        end = min(len(text), i + _WINDOW)
        m = rx.match(text, i, end)
        if m is not None:
            return m
        pos = i + 1
    return None


def _about(flat: str) -> re.Match[str] | None:
    """The sentence about what OPA provides, which follows a full stop."""
    pos = 0
    for _ in range(_TRIES):
        i = flat.find("OPA provides", pos)
        if i < 0:
            return None
        pos = i + 1
        if not flat[max(0, i - 200) : i].rstrip().endswith("."):
            continue
        end = min(len(flat), i + _WINDOW)
        m = _ABOUT.match(flat, i, end)
        if m is not None and (m.end() < end or end == len(flat)):  # ($ is the window's end)
            return m
    return None


def _put_tip_line(directory: dict[str, Any], phone: str, text: str) -> None:
    block = directory.setdefault("verification", {})
    contacts = block.setdefault("contact", [])
    entry = next((c for c in contacts if c.get("purpose") == "tips"), None)
    if entry is None:
        contacts.append({"id": "tip-line", "name": "Tip line", "purpose": "tips", "phone": phone, "text": text})  # fmt: skip
    else:
        entry["phone"], entry["text"] = phone, text


def _title(blocks: list[str]) -> str | None:
    for i, b in enumerate(blocks):
        if b == "United States" and i > 0:
            return blocks[i - 1].strip("*/ ") or None
    return None


def _current_raw(current: Directory | None) -> dict[str, Any]:
    """The current directory file's [directory] table as written there (empty if unreadable)."""
    if current is None or not current.path:
        return {}
    try:
        raw: dict[str, Any] = read_raw(Path(current.path))["directory"]
        return raw
    except (DataError, KeyError, TypeError):
        return {}


def _kept_from(current: Directory | None) -> dict[str, Any]:
    """What the page does not print but verify needs (official domains, guidance, reported
    contacts): kept from the current directory file, as it is written there."""
    raw = _current_raw(current)
    return {k: raw[k] for k in ("verification", "reported") if k in raw}


def _translations_kept(current: Directory | None, new: dict[str, Any]) -> dict[str, Any]:
    """The current file's translations and notice summaries of the words the page still says
    the same way; a changed English text drops its translation (and lint then says it lacks
    one) rather than keep a translation of something the page no longer says."""
    raw = _current_raw(current)
    if not raw:
        return {}
    old_notes = {n.get("id"): n.get("text") for n in raw.get("notice", []) if isinstance(n, dict)}
    same_notes = {n["id"] for n in new.get("notice", []) if old_notes.get(n["id"]) == n["text"]}
    same = {k for k in ("organization", "unit", "title") if raw.get(k) == new.get(k)}
    if (raw.get("credit_line") or {}).get("text") == (new.get("credit_line") or {}).get("text"):
        same.add("credit_line")
    old_media, new_media = raw.get("media") or {}, new.get("media") or {}
    out: dict[str, Any] = {}
    summaries = {k: v for k, v in (raw.get("notice_summary") or {}).items() if k in same_notes}
    if summaries:
        out["notice_summary"] = summaries
    translations: dict[str, Any] = {}
    for lang, t in (raw.get("translations") or {}).items():
        if not isinstance(t, dict):
            continue
        kept = {k: v for k, v in t.items() if k == "statement" or k in same}
        media = {
            k: v for k, v in (t.get("media") or {}).items() if old_media.get(k) == new_media.get(k)
        }
        notices = {k: v for k, v in (t.get("notice") or {}).items() if k in same_notes}
        kept.update({"media": media} if media else {})
        kept.update({"notice": notices} if notices else {})
        if set(kept) - {"statement"}:
            translations[lang] = kept
    if translations:
        out["translations"] = translations
    return out
