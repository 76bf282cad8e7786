"""Is this contact really the organization's? Phone numbers, email addresses and web addresses.

Answers `listed` (which office, which channel), `reported` (on the directory's list of reported
fraudulent contacts), `look_alike` (a number one or two digits off a listed one, a domain that
imitates an official one, a free-mail address using the organization's name) or `not_listed`.
Every answer carries the directory's guidance, because a listed number on caller ID proves
nothing. Nothing here logs what was asked.
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass, field, fields
from typing import Any
from urllib.parse import urlsplit

import phonenumbers
from email_validator import EmailNotValidError, validate_email
from rapidfuzz.distance import DamerauLevenshtein

from fieldoffice.errors import InvalidInput
from fieldoffice.models import Directory

MAX_CONTACT = 200
FREE_MAIL = {
    "gmail.com", "googlemail.com", "yahoo.com", "outlook.com", "hotmail.com", "live.com", "aol.com",
    "icloud.com", "me.com", "proton.me", "protonmail.com", "gmx.com", "mail.com", "zoho.com",
    "yandex.com", "msn.com",
}  # fmt: skip
_DOMAIN = re.compile(r"^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,}$")
# Letters from other alphabets that look like Latin ones (the common phishing set).
CONFUSABLES = str.maketrans({
    "а": "a", "с": "c", "е": "e", "һ": "h", "і": "i", "ј": "j", "ӏ": "l", "о": "o", "р": "p",
    "ԛ": "q", "ѕ": "s", "ԝ": "w", "х": "x", "у": "y", "ԁ": "d", "ɡ": "g", "ο": "o", "α": "a",
    "ν": "v", "τ": "t", "ι": "i", "κ": "k", "ρ": "p", "Ι": "i", "Ο": "o", "І": "i", "Е": "e",
    "С": "c", "О": "o", "Р": "p", "А": "a", "Х": "x", "ℓ": "l", "１": "1", "０": "0",
})  # fmt: skip


def _unwrap(text: str) -> str:
    """What people paste: 'mailto:x', 'Name <x>', 'x.' at the end of a sentence."""
    t = text.strip()
    m = re.search(r"<([^<>]+)>", t)
    if m:
        t = m.group(1).strip()
    t = re.sub(r"^(mailto|tel):", "", t, flags=re.I).strip()
    return t.rstrip(".,;")


def _ascii_host(host: str) -> tuple[str, bool]:
    """The host in Latin letters, and whether it had to be converted (IDN or look-alike letters)."""
    labels = []
    for label in host.split("."):
        if label.startswith("xn--"):
            with contextlib.suppress(UnicodeError):  # not valid punycode: compare it as it is
                label = label.encode("ascii").decode("idna")
        labels.append(label)
    decoded = ".".join(labels)
    skeleton = decoded.translate(CONFUSABLES)
    return skeleton, skeleton != host


@dataclass
class Verdict:
    contact: str
    kind: str  # phone | email | web
    normalized: str
    status: str  # listed | reported | look_alike | not_listed
    reason: str
    matches: list[dict[str, Any]] = field(default_factory=list)
    reported: dict[str, Any] | None = None
    guidance: list[str] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)  # the directory's scam warnings, as published

    def to_dict(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


@dataclass(frozen=True)
class Channel:
    who: str  # office id or "national"
    name: str  # "ICE Office of Public Affairs (OPA)" or the office's name
    channel: str  # phone | email | website
    value: str  # normalized


def show(value: str) -> str:
    """A number as people write it ((202) 732-4646); anything else as it is."""
    if value.startswith("+"):
        number = phonenumbers.parse(value)
        region = "US" if number.country_code == 1 else None
        fmt = (
            phonenumbers.PhoneNumberFormat.NATIONAL
            if region
            else phonenumbers.PhoneNumberFormat.INTERNATIONAL
        )
        return str(phonenumbers.format_number(number, fmt))
    return value


def _digits(number: phonenumbers.PhoneNumber) -> str:
    return f"+{number.country_code}{number.national_number}"


def _phone(text: str) -> str | None:
    try:
        number = phonenumbers.parse(text, "US")
    except phonenumbers.NumberParseException:
        return None
    return _digits(number) if phonenumbers.is_possible_number(number) else None


def _email(text: str) -> str | None:
    try:
        return str(validate_email(text, check_deliverability=False).normalized).lower()
    except EmailNotValidError:
        return None


def _host(text: str) -> str | None:
    t = text.strip().lower()
    host = urlsplit(t if "//" in t else "//" + t).hostname or ""
    host = host.removeprefix("www.").rstrip(".")
    return host if _DOMAIN.match(host) else None


class Verifier:
    def __init__(self, directory: Directory) -> None:
        self.directory = directory
        self.channels: list[Channel] = []
        media = directory.media
        for value, channel in ((media.phone, "phone"), (media.email, "email")):
            if value:
                self._add("national", media.name, channel, value)
        for o in directory.offices:
            for value, channel in ((o.phone, "phone"), (o.email, "email")):
                if value:
                    self._add(o.id, o.name, channel, value)
        domains = {c.value.split("@")[1] for c in self.channels if c.channel == "email"}
        domains |= set(directory.official_domains)
        self.domains = sorted(domains)
        for d in self.domains:
            self.channels.append(Channel("national", directory.organization, "website", d))
        # words that name the organization: the labels of its domains, minus the generic ones
        self.name_tokens = {lab for d in self.domains for lab in d.split(".")} - {
            "gov",
            "com",
            "org",
            "net",
            "us",
            "www",
        }
        self.reported = {self._normalize(r["contact"])[1]: r for r in directory.reported}

    def _add(self, who: str, name: str, channel: str, value: str) -> None:
        normalized = _phone(value) if channel == "phone" else _email(value)
        if normalized:
            self.channels.append(Channel(who, name, channel, normalized))

    def _normalize(self, text: str) -> tuple[str, str]:
        t = _unwrap(text)
        if re.match(
            r"^[a-z][a-z0-9+.-]*://", t, re.I
        ):  # a URL: its host, whatever comes before '@'
            host = (urlsplit(t).hostname or "").removeprefix("www.")
            if not host:
                raise InvalidInput(
                    f"{t[:60]!r} is not a web address", hint="e.g. https://www.ice.gov/contact"
                )
            return "web", host
        if "@" in t:
            email = _email(t)
            if email is None:
                raise InvalidInput(
                    f"{t[:60]!r} is not a valid email address", hint="check it letter by letter"
                )
            return "email", email
        if re.search(r"\w{2,}\.\w{2,}", t) and not re.search(r"\d{3}.*\d{4}", t):
            found = _host(t)
            if found is None and not t.isascii() and " " not in t:
                found = t.lower().removeprefix("www.")  # letters from another alphabet: keep them
            if found is None:
                raise InvalidInput(
                    f"{t[:60]!r} is not a web address or domain",
                    hint="e.g. ice.gov or https://www.ice.gov/contact",
                )
            return "web", found
        phone = _phone(t)
        if phone is None:
            raise InvalidInput(
                f"{t[:60]!r} is not a phone number, email address or web address",
                hint="type it as you saw it, e.g. (202) 732-4646, someone@agency.gov or agency.gov",
            )
        return "phone", phone

    def verify(self, text: str, *, language: str = "en") -> Verdict:
        if not text or not text.strip():
            raise InvalidInput(
                "nothing to check", hint="type a phone number, email address or web address"
            )
        if len(text) > MAX_CONTACT:
            raise InvalidInput(f"that is {len(text)} characters; a contact is at most {MAX_CONTACT}",
                               hint="type one phone number, email address or web address")  # fmt: skip
        kind, value = self._normalize(text)
        guidance = self.directory.guidance.get(language) or self.directory.guidance.get("en", [])
        v = Verdict(
            contact=text.strip(),
            kind=kind,
            normalized=value,
            status="not_listed",
            reason="",
            guidance=list(guidance),
            notices=[n.text for n in self.directory.notices if n.kind == "scam"],
        )
        if value in self.reported:
            r = self.reported[value]
            v.status, v.reported = "reported", {"date": r["date"], "note": r.get("note", "")}
            v.reason = f"{show(value)} was reported as fraudulent on {r['date']}: {r.get('note', '')}".rstrip(
                ": "
            )
            return v
        exact = [
            c
            for c in self.channels
            if c.value == value
            or (kind == "web" and value.endswith("." + c.value) and c.channel == "website")
        ]
        if exact:
            v.status = "listed"
            v.matches = [
                {"who": c.who, "name": c.name, "channel": c.channel, "value": c.value}
                for c in exact
            ]
            if kind == "web":
                under = f"under {exact[0].value}, " if value != exact[0].value else ""
                v.reason = f"{value} is {under}an official domain in this directory."
            else:
                listed = (
                    f"{show(c.value)} is the listed {c.channel} of the {c.name}" for c in exact
                )
                v.reason = "; ".join(listed) + "."
            return v
        look = self._look_alike(kind, value)
        if look:
            v.status, v.reason = "look_alike", look
            return v
        v.reason = f"{show(value)} is not a contact this directory lists."
        return v

    def _look_alike(self, kind: str, value: str) -> str | None:
        if kind in ("web", "email"):
            host = value.partition("@")[2] if kind == "email" else value
            latin, converted = _ascii_host(host)
            for official in self.domains if converted else ():
                if latin == official or latin.endswith("." + official):
                    return (f"{value} uses letters from another alphabet that look like {official}: "
                            "it is not the official address.")  # fmt: skip
            if kind == "web" and "@" in value:
                return f"{value} hides its real host after '@'."
        if kind == "email":
            local = value.partition("@")[0]
            same = [
                c for c in self.channels if c.channel == "email" and c.value.split("@")[0] == local
            ]
            if same:
                return f"{value} borrows the name of {same[0].value} at another domain: not the listed address."
        if kind == "phone":
            for c in self.channels:
                if c.channel != "phone" or len(c.value) != len(value):
                    continue
                d = DamerauLevenshtein.distance(c.value, value)
                if 0 < d <= 2:
                    return (f"{show(value)} is {d} digit{'s' if d > 1 else ''} away from {show(c.value)}, the listed "
                            f"{c.channel} of the {c.name}: a common trick.")  # fmt: skip
            return None
        if kind == "email":
            local, _, domain = value.partition("@")
            tokens = set(re.split(r"[^a-z]+", local)) - {""}
            listed_locals = {c.value.split("@")[0] for c in self.channels if c.channel == "email"}
            if domain in FREE_MAIL and (tokens & self.name_tokens or any(
                    DamerauLevenshtein.distance(local, x) <= 2 for x in listed_locals)):  # fmt: skip
                return f"{value} is a free email address that uses the organization's name; the organization writes from {', '.join(self.domains)}."
            why = self._domain_look_alike(domain)
            return f"{value} is at {domain}, which {why}" if why else None
        why = self._domain_look_alike(value)
        return f"{value} {why}" if why else None

    def _domain_look_alike(self, host: str) -> str | None:
        labels = host.split(".")
        tokens = {t for lab in labels for t in lab.split("-") if t}
        for official in self.domains:
            name, _, tld = official.rpartition(".")
            base = name.split(".")[-1]
            if host.endswith("." + official) or host == official:
                return None
            if labels[-2:-1] == [base] and labels[-1] != tld:
                return f"imitates {official} with a different ending (.{labels[-1]} instead of .{tld})."
            if DamerauLevenshtein.distance(host, official) <= 2 and len(official) >= 6:
                return f"is a letter or two away from {official}."
            glued = (
                {base + tld, tld + base}
                | {base + t for t in self.name_tokens}
                | {t + base for t in self.name_tokens}
            )
            if base in tokens or tokens & glued:
                return f"uses the name of {official} with extra words: not an official address."
        return None
