"""Is this contact really the organization's? Phone numbers, email addresses and web addresses.

Answers `listed` (which office, which channel), `official_domain` (an address at one of the
organization's own domains that the directory does not list itself), `reported` (on the
directory's list of reported fraudulent contacts), `look_alike` (a number one or two digits off a
listed one, a domain that imitates an official one, a free-mail address using the organization's
name) or `not_listed`. Every answer carries the directory's guidance, because a listed number on
caller ID proves nothing. Nothing here logs what was asked, and nothing here touches the network:
the look-alike data is what the packages ship.

How a contact is read and hosts compared (the Public Suffix List, Unicode's confusables) is
reading.py's. Throwaway mail: the `disposable-email-domains` blocklist, plus the short list of big
free-mail providers below (no free-mail list on PyPI is maintained with a stated source: see
README). The verdicts' headings and short sentences are msgids, worded at the door in its language.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from typing import Any

from disposable_email_domains import blocklist as DISPOSABLE
from rapidfuzz.distance import DamerauLevenshtein

from fieldoffice.core.errors import InvalidInput
from fieldoffice.core.models import Directory
from fieldoffice.verify.reading import (
    _email,
    _has_userinfo,
    _host,
    _local_only,
    _name_labels,
    _other_alphabet,
    _phone,
    _prototypes,
    _psl,
    _unicode,
    _unwrap,
    _url_host,
    keypad,
    registered,
    show,
    skeleton,
)

__all__ = [
    "CHANNELS",
    "HEADINGS",
    "MAX_CONTACT",
    "Verdict",
    "Verifier",
    "_prototypes",
    "_psl",
    "keypad",
    "registered",
    "show",
    "skeleton",
    "summary",
]  # fmt: skip

MAX_CONTACT = 200
Gettext = Callable[[str], str]


def _(text: str) -> str:
    """Marks a msgid for extraction; the door looks it up in its language's catalog."""
    return text


# each verdict's heading on a page, and the kinds of channel, as msgids (worded at the door)
HEADINGS = {
    "listed": _("Listed: this is a contact the directory gives"),
    "reported": _("Reported as a scam: do not trust this contact"),
    "look_alike": _("Look-alike: this imitates a listed contact and is not one"),
    "official_domain": _("Official domain: this address is at one of the organization's own domains"),
    "not_listed": _("Not listed: this is not a contact the directory gives"),
}  # fmt: skip
CHANNELS = (_("phone"), _("email"), _("website"))
# What to do about an email or a web address (the directory's own guidance is about calls: caller
# ID and hanging up, which fit a phone number only). msgids, in the asker's language.
CHANNEL_GUIDANCE = {
    "email": (
        _("The sender's name and address on an email can be forged: a listed address in the From line proves nothing about who wrote."),
        _("Do not open attachments or links, and do not send personal information or money in reply."),
        _("What to do: write to the listed address yourself in a new message, or call the listed number."),
    ),
    "web": (
        _("A look-alike site can copy every page: read the address in your browser's bar, letter by letter."),
        _("Do not enter personal information or pay on a site you reached through a link in a message."),
        _("What to do: type the listed address yourself, or call the listed number."),
    ),
}  # fmt: skip
# The big free-mail providers (each with tens of millions of users, by their own reports). A short
# list kept by hand: the free-mail lists on PyPI have no stated source or upkeep. Throwaway domains
# come from `disposable-email-domains` instead.
FREE_MAIL = {
    "gmail.com", "googlemail.com", "yahoo.com", "ymail.com", "outlook.com", "hotmail.com", "live.com",
    "msn.com", "aol.com", "icloud.com", "me.com", "mac.com", "proton.me", "protonmail.com", "pm.me",
    "gmx.com", "gmx.net", "mail.com", "zoho.com", "yandex.com", "yandex.ru", "mail.ru", "qq.com",
    "163.com", "tutanota.com", "fastmail.com",
}  # fmt: skip
# control characters (other than tab and line ends) and lone surrogates (undecodable bytes)
_UNTYPABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
# labels that say nothing about who owns a domain (beyond the public suffixes themselves)
_GENERIC = {"www", "mail", "web", "online", "help", "support", "info", "official"}


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


def _check_typed(text: str) -> None:
    """InvalidInput for what cannot be a contact as typed: nothing, too long, untypable."""
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


def _read_as(text: str, kind: str, value: str) -> str:
    """How the typed text was read, where that is not plain: keypad letters, or a web address
    with a name before its host. Empty otherwise."""
    if kind == "phone" and keypad(_unwrap(text)):
        return f"{_unwrap(text)} reads {show(value)} on a phone keypad; "
    if kind == "web" and _has_userinfo(_unwrap(text)):
        return f"what comes before '@' in a web address is not the site: this one opens {value}; "
    return ""


def summary(v: Verdict, gettext: Gettext) -> str:
    """The verdict in one short sentence, through `gettext` (a page in another language than the
    directory's shows this, with the reason in full beneath it as the directory's words)."""

    def say(msgid: str, **params: str) -> str:
        return gettext(msgid) % params

    value = show(v.normalized)
    if v.status == "listed":
        m = v.matches[0]
        return say(_("%(value)s is the listed %(channel)s of the %(name)s."), value=value,
                   channel=gettext(m["channel"]), name=m["name"])  # fmt: skip
    if v.status == "reported":
        date = (v.reported or {}).get("date", "")
        return say(_("%(value)s was reported as fraudulent on %(date)s."), value=value, date=date)
    if v.status == "look_alike":
        return say(_("%(value)s looks like a listed contact but is not one. Scammers use look-alikes."),
                   value=value)  # fmt: skip
    return say(_("%(value)s is not a contact this directory lists."), value=value)


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

    def guidance(self, kind: str, language: str = "en") -> list[str]:
        """What to do, for the channel asked about: a phone number gets the directory's own
        guidance (caller ID, hang up and call back); an email or a web address its own."""
        if kind not in CHANNEL_GUIDANCE:
            return list(self.directory.guidance_in(language))
        from fieldoffice.core.catalog import translations

        say = translations(language).gettext
        return [say(line) for line in CHANNEL_GUIDANCE[kind]]

    def verify(self, text: str, *, language: str = "en") -> Verdict:
        _check_typed(text)
        kind, value = self._normalize(text)
        v = Verdict(
            contact=text.strip(),
            kind=kind,
            normalized=value,
            status="not_listed",
            reason="",
            guidance=self.guidance(kind, language),
            notices=[n.text for n in self.directory.notices if n.kind == "scam"],
        )
        return self._judge(v, _read_as(text, kind, value))

    def _judge(self, v: Verdict, read: str) -> Verdict:
        """The verdict on a normalized contact; `read` says first how the typed text was read."""
        kind, value = v.kind, v.normalized
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
        if kind in ("web", "email") and self._official_domain(v):
            return v
        look = self._look_alike(kind, value)
        if look:
            v.status, v.reason = "look_alike", read + look
            return v
        v.reason = read + f"{show(value)} is not a contact this directory lists."
        return v

    def _official_domain(self, v: Verdict) -> bool:
        """At an official domain, not itself listed: says so in `v`, or returns False."""
        kind, value = v.kind, v.normalized
        host = value.partition("@")[2] if kind == "email" else value
        under = [
            c for c in self.channels if c.channel == "website" and host.endswith("." + c.value)
        ]
        if not under and not (kind == "email" and host in self.domains):
            return False
        official = host if host in self.domains else under[0].value
        v.status = "official_domain"
        v.matches = [
            {"who": "national", "name": self.directory.organization,
             "channel": "website", "value": official}
        ]  # fmt: skip
        what = "address" if kind == "email" else "host"
        v.reason = (f"{value} is at {official}, an official domain of the {self.directory.organization}; "
                    f"the {what} itself is not one this directory lists.")  # fmt: skip
        return True

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
