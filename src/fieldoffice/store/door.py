"""What the draft accepts at the door, whichever way a value comes in (the API, the forms, an
upload, an import): no control characters (a tab and a line break only where text runs over
lines), an email address that email-validator reads and a phone number that phonenumbers reads,
neither carrying URL parameters (`mailto:x?bcc=...`), and a length cap on every field. Only what
an edit changes is checked: a directory as it was published is never refused for itself.

What is allowed but suspect (confusable or zero-width characters, two offices of one name) is
lint's to name (editing/lint.py)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from fieldoffice.core.errors import InvalidInput

# every C0 and C1 control, DEL, and what XML cannot hold (lone surrogates, U+FFFE, U+FFFF)
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_CONTROL_ONE_LINE = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
# fields that are one line (an office's name and city too); elsewhere a tab and a line break
# are allowed (a saved page's media name may wrap), every other control character is refused
ONE_LINE = frozenset({"phone", "email", "id", "state", "kind", "date"})
DEFAULT_CAP = 2_000
CAPS = {
    "name": 200, "city": 100, "state": 2, "phone": 40, "email": 254, "id": 64, "kind": 32,
    "contact": 300, "date": 32, "title": 300, "organization": 300, "unit": 300, "purpose": 64,
    "phrase": 500, "region": 100, "aor": 4_000, "note": 1_000, "statement": 2_000,
    "summary": 2_000, "text": 10_000, "about": 10_000,
}  # fmt: skip
_PHONE = re.compile(r"^\+?[0-9(][0-9 ().\-]*(?:\s*(?:ext\.?|x|extension)\s*[0-9]{1,7})?$", re.I)
_NOT_IN_EMAIL = re.compile(r"[?&#%/\\:;,<>\"'()\[\]\s]")


def check_changed(old: dict[str, Any], new: dict[str, Any]) -> None:
    """Check every text of `new` that is not, at the same place, in `old`: InvalidInput naming
    the field and what is wrong, else nothing."""
    before = dict(_texts(old, ()))
    for path, value in _texts(new, ()):
        if before.get(path) != value:
            check_text(path, value, _where(new, path))


def check_text(path: tuple[str, ...], value: str, where: str) -> None:
    key = next((p for p in reversed(path) if not p.isdigit()), "")
    cap = CAPS.get(key, DEFAULT_CAP)
    if len(value) > cap:
        raise InvalidInput(f"{where} is {len(value):,} characters long; at most {cap:,} are allowed",
                           hint="shorten it")  # fmt: skip
    one_line = key in ONE_LINE or (path[:1] == ("office",) and key in ("name", "city"))
    multi = not one_line
    found = (_CONTROL if multi else _CONTROL_ONE_LINE).search(value)
    if found:
        at = found.start()
        raise InvalidInput(f"{where} holds the control character U+{ord(found.group()):04X} at position {at + 1}",
                           hint="remove it: control characters are not text"
                           + ("" if multi else "; this field is one line"))  # fmt: skip
    if key == "email" and value:
        check_email(where, value)
    elif key == "phone" and value:
        check_phone(where, value)


def check_email(where: str, value: str) -> None:
    from email_validator import EmailNotValidError, validate_email

    if value.lower().startswith("mailto:") or _NOT_IN_EMAIL.search(value):
        raise InvalidInput(f"{where} {value[:80]!r} is not an email address: it holds a URL part or a character an address cannot",
                           hint="write the address alone, such as press@example.org, with no mailto: and no ?cc= or ?bcc=")  # fmt: skip
    try:
        validate_email(value, check_deliverability=False)
    except EmailNotValidError as exc:
        raise InvalidInput(f"{where} {value[:80]!r} is not an email address: {exc}",
                           hint="write it as name@domain, such as press@example.org") from None  # fmt: skip


def check_phone(where: str, value: str) -> None:
    import phonenumbers

    readable = bool(_PHONE.match(value.strip()))
    if readable:
        try:
            readable = phonenumbers.is_possible_number(phonenumbers.parse(value, "US"))
        except phonenumbers.NumberParseException:
            readable = False
    if not readable:
        raise InvalidInput(f"{where} {value[:80]!r} is not a phone number",
                           hint="write digits, spaces, ( ) - . and an optional extension, such as (202) 555-0100 ext. 12")  # fmt: skip


def _texts(value: Any, path: tuple[str, ...]) -> Iterator[tuple[tuple[str, ...], str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from _texts(v, (*path, str(k)))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _texts(v, (*path, str(i)))


def _where(raw: dict[str, Any], path: tuple[str, ...]) -> str:
    """The field as an editor knows it: "office 'denver': name", "directory: media.email"."""
    if len(path) >= 3 and path[0] == "office" and path[1].isdigit():
        offices = raw.get("office") or []
        i = int(path[1])
        oid = offices[i].get("id") if i < len(offices) and isinstance(offices[i], dict) else None
        named = repr(oid[:64]) if isinstance(oid, str) and not _CONTROL_ONE_LINE.search(oid) else str(i + 1)  # fmt: skip
        return f"office {named}: {'.'.join(path[2:])}"
    if len(path) >= 2 and path[0] == "directory":
        return f"directory: {'.'.join(path[1:])[:120]}"
    return ".".join(path)[:120] or "the value"
