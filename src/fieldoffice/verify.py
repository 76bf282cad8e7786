"""Is this contact really the organization's? Phone numbers, email addresses and web addresses.

Answers `listed` (which office, which channel), `official_domain` (an address at one of the
organization's own domains that the directory does not list itself), `reported` (on the
directory's list of reported fraudulent contacts), `look_alike` (a number one or two digits off a
listed one, a domain that imitates an official one, a free-mail address using the organization's
name) or `not_listed`. Every answer carries the directory's guidance, because a listed number on
caller ID proves nothing. Nothing here logs what was asked, and nothing here touches the network:
the look-alike data is what the packages ship.

Maintained data, not hand-written tables:
- letters that look alike: Unicode's confusables (UTS #39, as shipped by `confusable-homoglyphs`),
  compared as skeletons;
- where a domain is registered: the Public Suffix List as shipped by `publicsuffixlist` (never
  updated at run time), so `ice.gov.evil.com` is judged as evil.com and `ice-gov.co.uk` as itself;
- throwaway mail: the `disposable-email-domains` blocklist, plus the short list of big free-mail
  providers below (no free-mail list on PyPI is maintained with a stated source: see README).
"""

from __future__ import annotations

import contextlib
import ipaddress
import json
import re
import unicodedata
from dataclasses import dataclass, field, fields
from functools import cache
from importlib import resources
from typing import Any
from urllib.parse import urlsplit

import phonenumbers
from disposable_email_domains import blocklist as DISPOSABLE
from email_validator import EmailNotValidError, validate_email
from publicsuffixlist import PublicSuffixList
from rapidfuzz.distance import DamerauLevenshtein

from fieldoffice.core.errors import InvalidInput
from fieldoffice.core.models import Directory

MAX_CONTACT = 200
# The big free-mail providers (each with tens of millions of users, by their own reports). A short
# list kept by hand: the free-mail lists on PyPI have no stated source or upkeep. Throwaway domains
# come from `disposable-email-domains` instead.
FREE_MAIL = {
    "gmail.com", "googlemail.com", "yahoo.com", "ymail.com", "outlook.com", "hotmail.com", "live.com",
    "msn.com", "aol.com", "icloud.com", "me.com", "mac.com", "proton.me", "protonmail.com", "pm.me",
    "gmx.com", "gmx.net", "mail.com", "zoho.com", "yandex.com", "yandex.ru", "mail.ru", "qq.com",
    "163.com", "tutanota.com", "fastmail.com",
}  # fmt: skip
_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
_EXTENSION = re.compile(r"(?i)\s*(?:ext\.?|extension|x|#)\s*\d{1,6}\s*$")
_KEYPAD_LETTERS = re.compile(r"[A-Za-z]")
# a host in any alphabet: labels of letters, digits and hyphens (no '_'), at least two of them
_UNICODE_HOST = re.compile(r"^(?:[^\W_](?:[\w-]{0,61}[^\W_])?\.)+[^\W_](?:[\w-]{0,61}[^\W_])?$")
# control characters (other than tab and line ends) and lone surrogates (undecodable bytes)
_UNTYPABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
# labels that say nothing about who owns a domain (beyond the public suffixes themselves)
_GENERIC = {"www", "mail", "web", "online", "help", "support", "info", "official"}


@cache
def _psl() -> PublicSuffixList:
    """The Public Suffix List shipped inside the package: read from disk, never fetched."""
    return PublicSuffixList(accept_unknown=False)


@cache
def _prototypes() -> dict[str, str]:
    """Unicode's confusables (UTS #39) as character -> prototype.

    `confusable-homoglyphs` ships confusables.txt as a symmetric map (each source lists its
    prototype, each prototype lists its sources). Prototypes are fixed points of the mapping, so a
    character with a single neighbour that has others (or is a sequence) is a source; a pair of
    two characters is mapped to the smaller one, which gives the same equal-or-not answer."""
    text = resources.files("confusable_homoglyphs").joinpath("confusables.json").read_text("utf-8")
    data: dict[str, list[dict[str, str]]] = json.loads(text)
    out: dict[str, str] = {}
    for char, entries in data.items():
        if len(char) != 1 or len(entries) != 1:
            continue
        other = entries[0]["c"]
        if len(other) > 1 or len(data.get(other, ())) > 1 or other < char:
            out[char] = other
    return out


def skeleton(text: str) -> str:
    """The UTS #39 skeleton (NFD, each character to its prototype, NFD), case-folded: two strings
    with the same skeleton look alike."""
    mapping = _prototypes()
    mapped = "".join(mapping.get(c, c) for c in unicodedata.normalize("NFD", text))
    return unicodedata.normalize("NFD", mapped).casefold()


def _ascii(host: str) -> str | None:
    """A host in its ASCII (punycode) form, or None when it cannot be one."""
    labels = []
    for label in host.split("."):
        if not label:
            return None
        if not label.isascii():
            try:
                label = label.encode("idna").decode("ascii")
            except UnicodeError:
                return None
        labels.append(label)
    return ".".join(labels)


def _unicode(host: str) -> str:
    """A host with its punycode labels decoded (xn--... -> the letters they stand for)."""
    labels = []
    for label in host.split("."):
        if label.startswith("xn--"):
            with contextlib.suppress(UnicodeError):  # not valid punycode: keep it as it is
                label = label.encode("ascii").decode("idna")
        labels.append(label)
    return ".".join(labels)


def registered(host: str) -> str | None:
    """The registered domain of a host by the Public Suffix List (ice.gov.evil.com -> evil.com,
    ice-gov.co.uk -> ice-gov.co.uk), or None when the host is a public suffix or not a domain."""
    a = _ascii(host)
    found = _psl().privatesuffix(a) if a else None
    return _unicode(found) if found else None


def _is_domain(host: str) -> bool:
    a = _ascii(host)
    if a is None or not all(_LABEL.match(x) for x in a.split(".")):
        return False
    return registered(host) is not None


def _unwrap(text: str) -> str:
    """What people paste: 'mailto:x', 'Name <x>', 'x.' at the end of a sentence."""
    t = text.strip()
    m = re.search(r"<([^<>]+)>", t)
    if m:
        t = m.group(1).strip()
    t = re.sub(r"^(mailto|tel):", "", t, flags=re.I).strip()
    return t.rstrip(".,;")


@dataclass
class Verdict:
    contact: str
    kind: str  # phone | email | web
    normalized: str
    status: str  # listed | official_domain | reported | look_alike | not_listed
    reason: str
    matches: list[dict[str, Any]] = field(default_factory=list)
    reported: dict[str, Any] | None = None
    guidance: list[str] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)  # the directory's scam warnings, as published

    def to_dict(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


@dataclass(frozen=True)
class Channel:
    who: str  # office id, "national", or the id of a contact in the verification block
    name: str  # "ICE Office of Public Affairs (OPA)" or the office's name
    channel: str  # phone | email | website
    value: str  # normalized
    purpose: str = ""  # what the line is for, when the directory says ("tips")

    def match(self) -> dict[str, Any]:
        out = {"who": self.who, "name": self.name, "channel": self.channel, "value": self.value}
        if self.purpose:
            out["purpose"] = self.purpose
        return out

    def describe(self) -> str:
        purpose = f" ({self.purpose})" if self.purpose else ""
        return f"the listed {self.channel}{purpose} of the {self.name}"


def show(value: str) -> str:
    """A number as people write it ((202) 732-4646); anything else as it is."""
    if value.startswith("+"):
        try:
            number = phonenumbers.parse(value)
        except phonenumbers.NumberParseException:
            return value
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


def keypad(text: str) -> str | None:
    """A number written with letters in digits, by the phone keypad (ITU E.161: ABC=2 ... WXYZ=9):
    '1-866-DHS-2-ICE' -> '1-866-347-2-423'. None when it has no letters (an extension's 'x' or
    'ext.' is not part of the number)."""
    main = _EXTENSION.sub("", text)
    if not _KEYPAD_LETTERS.search(main) or not re.search(r"\d", main):
        return None
    return str(phonenumbers.convert_alpha_characters_in_number(main))


def _phone(text: str) -> str | None:
    digits = keypad(text) or text
    try:
        number = phonenumbers.parse(digits, "US")
    except phonenumbers.NumberParseException:
        return None
    return _digits(number) if phonenumbers.is_possible_number(number) else None


def _local_only(value: str) -> bool:
    """A North American number written without its area code (7 digits)."""
    return value.startswith("+1") and len(value) == 9


def _email(text: str) -> str | None:
    try:
        return str(validate_email(text, check_deliverability=False).normalized).lower()
    except EmailNotValidError:
        return None


def _host(text: str) -> str | None:
    t = text.strip().lower()
    try:
        parts = urlsplit(t if "//" in t else "//" + t)
        host = parts.hostname or ""
    except ValueError:  # brackets that are not an IPv6 literal, characters that change under NFKC
        return None
    if "@" in parts.netloc or "[" in parts.netloc:  # a user name, or a host given by number
        return None
    host = host.removeprefix("www.").rstrip(".")
    return host if _is_domain(host) else None


def _other_alphabet(text: str) -> str | None:
    """A host written in letters of another alphabet that is not a registrable domain as it stands
    (`ice.gоv` with a Cyrillic о): kept as typed, to be compared by its look. Only dot-separated
    labels of letters, digits and hyphens: never brackets, '%', '@', '/' or spaces."""
    t = unicodedata.normalize("NFC", text.strip().lower()).removeprefix("www.").rstrip(".")
    if t.isascii() or len(t) > 253 or not _UNICODE_HOST.match(t):
        return None
    return t


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def _has_userinfo(url: str) -> bool:
    """A web address with a name before its host (https://ice.gov@evil.com/ opens evil.com)."""
    if not re.match(r"^[a-z][a-z0-9+.-]*://", url, re.I):
        return False
    netloc = url.partition("://")[2]
    return "@" in re.split(r"[/?#\\]", netloc, maxsplit=1)[0]


def _url_host(url: str) -> str:
    """The host a web address opens, or InvalidInput saying what is wrong with it. The messages
    never repeat the address: what people check may be private, and messages can reach logs."""
    hint = "type the site's name as the address bar shows it, e.g. ice.gov or https://www.ice.gov/contact"
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
    except ValueError:  # '[' without ']', a bracketed host that is no IPv6 address, NFKC changes
        raise InvalidInput(
            "that web address cannot be read: its brackets or characters are not an address's",
            hint=hint,
        ) from None
    netloc_host = parts.netloc.rpartition("@")[2]
    if netloc_host.startswith("[") or _is_ip(host):
        raise InvalidInput(
            "that web address names a computer by its number (an IP address), not a site by name; "
            "the organization's own sites have names",
            hint=hint,
        )
    host = host.rstrip(".").removeprefix("www.")
    if not host:
        raise InvalidInput("that web address has no site name in it", hint=hint)
    found = host if _is_domain(host) else _other_alphabet(host)
    if found is None:
        raise InvalidInput(
            "the site in that web address is not a domain name (such as ice.gov)", hint=hint
        )
    return found


def _name_labels(domain: str) -> list[str]:
    """The labels of a domain left of its public suffix (ice.dhs.gov -> ['ice', 'dhs'])."""
    reg = registered(domain)
    if reg is None:
        return []
    suffix = reg.partition(".")[2]
    return domain[: -len(suffix) - 1].split(".")


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
        for c in directory.listed_contacts:
            for channel in ("phone", "email"):
                if c.get(channel):
                    self._add(c["id"], c["name"], channel, c[channel], c.get("purpose", ""))
        domains = {c.value.split("@")[1] for c in self.channels if c.channel == "email"}
        domains |= set(directory.official_domains)
        self.domains = sorted(domains)
        # registered domains first (ice.gov before ice.dhs.gov), for the words of an answer
        self.officials = sorted(self.domains, key=lambda d: (registered(d) != d, d))
        for d in self.domains:
            self.channels.append(Channel("national", directory.organization, "website", d))
        # words that name the organization: each domain's labels left of its public suffix
        self.name_tokens = {lab for d in self.domains for lab in _name_labels(d)} - _GENERIC
        self.reported = {self._normalize(r["contact"])[1]: r for r in directory.reported}

    def _add(self, who: str, name: str, channel: str, value: str, purpose: str = "") -> None:
        normalized = _phone(value) if channel == "phone" else _email(value)
        if normalized:
            self.channels.append(Channel(who, name, channel, normalized, purpose))

    def _normalize(self, text: str) -> tuple[str, str]:
        """Kind and normalized value. Odd input of any kind is InvalidInput, whose message never
        repeats what was typed (it is shown beside the typed text, and must never reach a log)."""
        t = _unwrap(text)
        if re.match(r"^[a-z][a-z0-9+.-]*://", t, re.I):  # a URL: its host, whatever is before '@'
            return "web", _url_host(t)
        if "@" in t:
            email = _email(t)
            if email is None:
                raise InvalidInput(
                    "that is not a valid email address", hint="check it letter by letter"
                )
            return "email", email
        if re.search(r"\w{2,}\.\w{2,}", t) and not re.search(r"\d{3}.*\d{4}", t):
            found = _host(t) or _other_alphabet(t)
            if found is None:
                raise InvalidInput(
                    "that is not a web address or domain",
                    hint="e.g. ice.gov or https://www.ice.gov/contact",
                )
            return "web", found
        phone = _phone(t)
        if phone is None:
            raise InvalidInput(
                "that is not a phone number, email address or web address",
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
        if _UNTYPABLE.search(text):
            raise InvalidInput(
                "that has characters no one types (control characters, or bytes that are not text)",
                hint="type the contact as you saw it",
            )
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
        read = ""
        if kind == "phone":
            letters = keypad(_unwrap(text))
            if letters:
                read = f"{_unwrap(text)} reads {show(value)} on a phone keypad; "
        elif kind == "web" and _has_userinfo(_unwrap(text)):
            read = (
                f"what comes before '@' in a web address is not the site: this one opens {value}; "
            )
        if value in self.reported:
            r = self.reported[value]
            v.status, v.reported = "reported", {"date": r["date"], "note": r.get("note", "")}
            v.reason = (
                read
                + f"{show(value)} was reported as fraudulent on {r['date']}: {r.get('note', '')}".rstrip(
                    ": "
                )
            )
            return v
        if kind == "phone" and _local_only(value):
            return self._local_only(v, read)
        exact = [c for c in self.channels if c.value == value]
        if exact:
            v.status = "listed"
            v.matches = [c.match() for c in exact]
            if kind == "web":
                v.reason = f"{value} is an official domain in this directory."
            else:
                listed = (f"{show(c.value)} is {c.describe()}" for c in exact)
                v.reason = read + "; ".join(listed) + "."
            return v
        if kind in ("web", "email"):
            look = self._imitation(kind, value)
            if look:
                v.status, v.reason = "look_alike", look
                return v
        if kind in ("web", "email"):  # at an official domain, not itself listed
            host = value.partition("@")[2] if kind == "email" else value
            under = [
                c for c in self.channels if c.channel == "website" and host.endswith("." + c.value)
            ]
            if under or (kind == "email" and host in self.domains):
                official = host if host in self.domains else under[0].value
                v.status = "official_domain"
                v.matches = [
                    {"who": "national", "name": self.directory.organization,
                     "channel": "website", "value": official}
                ]  # fmt: skip
                what = "address" if kind == "email" else "host"
                v.reason = (f"{value} is at {official}, an official domain of the {self.directory.organization}; "
                            f"the {what} itself is not one this directory lists.")  # fmt: skip
                return v
        look = self._look_alike(kind, value)
        if look:
            v.status, v.reason = "look_alike", read + look
            return v
        v.reason = read + f"{show(value)} is not a contact this directory lists."
        return v

    def _local_only(self, v: Verdict, read: str) -> Verdict:
        """Seven digits: compared with the last seven of each listed number."""
        seven = v.normalized[2:]
        same = [
            c
            for c in self.channels
            if c.channel == "phone" and c.value.startswith("+1") and c.value[-7:] == seven
        ]
        shown = f"{seven[:3]}-{seven[3:]}"
        if same:
            v.matches = [{**c.match(), "area_code_missing": True} for c in same]
            may = "; or ".join(
                f"{show(c.value)}, {c.describe()}, if its area code is {c.value[2:5]}" for c in same
            )
            v.reason = read + (
                f"{shown} has no area code, so it cannot be checked: it may be {may}. "
                "Ask for the whole number, or call the listed one yourself."
            )
        else:
            v.reason = read + (
                f"{shown} has no area code, and no listed number ends in these seven digits."
            )
        return v

    def _imitation(self, kind: str, value: str) -> str | None:
        """What imitates a listed contact even under an official domain: another alphabet's
        letters, or a listed mailbox's name at another host."""
        local, _, domain = value.rpartition("@")
        host = domain if kind == "email" else value
        look = self._looks_like_official(host)
        if look:
            return f"{value} is at {host}, which {look}" if kind == "email" else f"{value} {look}"
        same = [c for c in self.channels if c.channel == "email" and c.value.split("@")[0] == local]
        if kind == "email" and same:
            return f"{value} borrows the name of {same[0].value} at another domain: not the listed address."
        return None

    def _look_alike(self, kind: str, value: str) -> str | None:
        if kind == "phone":
            for c in self.channels:
                if c.channel != "phone" or len(c.value) != len(value):
                    continue
                d = DamerauLevenshtein.distance(c.value, value)
                if 0 < d <= 2:
                    return (f"{show(value)} is {d} digit{'s' if d > 1 else ''} away from {show(c.value)}, "
                            f"{c.describe()}: a common trick.")  # fmt: skip
            return None
        if kind == "web":
            why = self._domain_look_alike(value)
            return f"{value} {why}" if why else None
        local, _, domain = value.rpartition("@")
        tokens = {skeleton(t) for t in re.split(r"[^\w]+|_", local) if t}
        listed_locals = {c.value.split("@")[0] for c in self.channels if c.channel == "email"}
        if self._throwaway(domain) and (
            tokens & self.name_tokens
            or any(DamerauLevenshtein.distance(local, x) <= 2 for x in listed_locals)
        ):
            kind_of = "free" if domain in FREE_MAIL else "throwaway"
            return (f"{value} is a {kind_of} email address that uses the organization's name; "
                    f"the organization writes from {', '.join(self.domains)}.")  # fmt: skip
        why = self._domain_look_alike(domain)
        return f"{value} is at {domain}, which {why}" if why else None

    @staticmethod
    def _throwaway(domain: str) -> bool:
        """A free-mail provider, or a disposable-mail domain (the maintained blocklist)."""
        reg = registered(domain) or domain
        return domain in FREE_MAIL or reg in FREE_MAIL or domain in DISPOSABLE or reg in DISPOSABLE

    def _looks_like_official(self, host: str) -> str | None:
        """Letters that look like an official domain's (UTS #39 skeletons) without being it."""
        if host in self.domains:
            return None
        sk = skeleton(_unicode(host))
        for official in self.officials:
            so = skeleton(official)
            if (sk == so or sk.endswith("." + so)) and not host.endswith("." + official):
                return (f"uses characters that look like {official} (Unicode's confusables) "
                        "but is not it: not the official address.")  # fmt: skip
        return None

    def _domain_look_alike(self, host: str) -> str | None:
        """Judged by where the host is registered (Public Suffix List); names compared by their
        UTS #39 skeletons, so letters from other alphabets do not hide an imitation."""
        if any(host == o or host.endswith("." + o) for o in self.domains):
            return None
        look = self._looks_like_official(host)
        if look:
            return look
        reg = registered(host) or host
        suffix = reg.partition(".")[2]
        name = skeleton(reg.partition(".")[0])
        in_front = host[: -len(reg)].rstrip(".") if host != reg else ""
        tokens = {skeleton(t) for lab in host.split(".") for t in lab.split("-") if t}
        names = [(o, (registered(o) or o).partition(".")) for o in self.officials]
        for official, _ in names:
            if f".{skeleton(official)}." in f".{skeleton(_unicode(in_front))}.":
                return (f"belongs to {reg}: the '{official}' in front of it is a name anyone who owns "
                        f"{reg} can add. Not an official address.")  # fmt: skip
        for official, (o_name, _, o_suffix) in names:
            if name == skeleton(o_name) and suffix != o_suffix:
                return f"imitates {official} with a different ending (.{suffix} instead of .{o_suffix})."
        for official, (o_name, _, o_suffix) in names:
            allowed = 1 if len(o_name) <= 4 else 2
            if suffix == o_suffix and 0 < DamerauLevenshtein.distance(name, o_name) <= allowed:
                return f"is a letter or two away from {official}."
        for official, (o_name, _, o_suffix) in names:
            glued = (
                {o_name + o_suffix.replace(".", ""), o_suffix.replace(".", "") + o_name}
                | {o_name + t for t in self.name_tokens}
                | {t + o_name for t in self.name_tokens}
            )
            if o_name in tokens or tokens & glued:
                return (f"uses the name of {official} with other words; it is registered as {reg}, "
                        "not an official address.")  # fmt: skip
        return None
