"""What a contact is, as typed: a phone number (keypad letters read as digits), an email address,
or a web address and the domain it opens, each normalized; and how hosts compare.

Maintained data, not hand-written tables:
- letters that look alike: Unicode's confusables (UTS #39, as shipped by `confusable-homoglyphs`),
  compared as skeletons;
- where a domain is registered: the Public Suffix List as shipped by `publicsuffixlist` (never
  updated at run time), so `ice.gov.evil.com` is judged as evil.com and `ice-gov.co.uk` as itself.
Messages never repeat what was typed: what people check may be private, and messages reach logs.
"""

from __future__ import annotations

import contextlib
import ipaddress
import json
import re
import unicodedata
from functools import cache
from importlib import resources
from urllib.parse import urlsplit

import phonenumbers
from email_validator import EmailNotValidError, validate_email
from publicsuffixlist import PublicSuffixList

from fieldoffice.core.errors import InvalidInput

_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
_EXTENSION = re.compile(r"(?i)\s*(?:ext\.?|extension|x|#)\s*\d{1,6}\s*$")
_KEYPAD_LETTERS = re.compile(r"[A-Za-z]")
# a host in any alphabet: labels of letters, digits and hyphens (no '_'), at least two of them
_UNICODE_HOST = re.compile(r"^(?:[^\W_](?:[\w-]{0,61}[^\W_])?\.)+[^\W_](?:[\w-]{0,61}[^\W_])?$")


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
