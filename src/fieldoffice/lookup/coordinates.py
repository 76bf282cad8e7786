"""Coordinates as people write them -> (lat, lon): decimal degrees, hemisphere letters, degrees
and minutes or degrees, minutes and seconds; InvalidCoordinates saying what is wrong with the rest."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from fieldoffice.core.errors import InvalidCoordinates
from fieldoffice.geo.index import check_coordinates

__all__ = ["parse_coordinates"]

_NUM = r"[+-]?(?:\d+(?:\.\d*)?|\.\d+|nan|inf(?:inity)?)"
_COORDS = re.compile(rf"^\s*\(?\s*({_NUM})\s*(,|\s)\s*({_NUM})\s*\)?\s*$", re.IGNORECASE)
_COORD_HINT = (
    "write coordinates latitude first, as 'lat, lon' in decimal degrees ('39.53, -119.81'), "
    "with hemisphere letters ('39.53 N, 119.81 W'), in degrees and minutes "
    "(\"39°31.8' N, 119°48.6' W\") or in degrees, minutes and seconds "
    "('39°31′48″ N, 119°48′36″ W')"
)
# Typographic degree signs, primes and quotes -> the ASCII marks the tokenizer reads.
_MARKS = str.maketrans(
    {
        "º": "°", "˚": "°", "⁰": "°",
        "′": "'", "’": "'", "‘": "'", "´": "'", "`": "'", "ʹ": "'",
        "″": '"', "”": '"', "“": '"', "ʺ": '"',
    }
)  # fmt: skip
_HEMI_WORDS = {"n": "N", "s": "S", "e": "E", "w": "W",
               "north": "N", "south": "S", "east": "E", "west": "W"}  # fmt: skip
_WORD = re.compile(r"[^\W\d_]+")
_ASCII_DIGIT = re.compile(r"[0-9]")
_TOKEN = re.compile(
    r"""\s*(?:
        (?P<num>[+-]?\s*(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+))\s*(?P<mark>°|''|'|")?
      | (?P<hemi>[^\W\d_]+)
      | (?P<sep>[,;])
    )\s*""",
    re.VERBOSE,
)
_PRIMED = re.compile(r"[0-9]\s*['\"]\s*[0-9]")  # 40'42": minutes and seconds, no degree sign
_UNIT_NAMES = ("degrees", "minutes", "seconds")


@dataclass
class _Part:
    """One coordinate as written: an optional hemisphere letter before or after, and up to three
    numbers (degrees, minutes, seconds)."""

    text: list[str] = field(default_factory=list)
    pre: str | None = None
    post: str | None = None
    values: list[tuple[str, int]] = field(default_factory=list)  # (number as written, unit)

    @property
    def hemi(self) -> str | None:
        return self.pre or self.post

    def shown(self) -> str:
        return " ".join(self.text)


def _bad(message: str) -> InvalidCoordinates:
    return InvalidCoordinates(message, hint=_COORD_HINT)


def _looks_like_coordinates(text: str) -> bool:
    """Digits with a degree sign, or with a prime or hemisphere letters and no other words."""
    if _ASCII_DIGIT.search(text) is None:
        return False
    if "°" in text:
        return True
    words = _WORD.findall(text)
    if any(w.lower() not in _HEMI_WORDS for w in words):
        return False
    return bool(words) or _PRIMED.search(text) is not None


def _parts(text: str) -> list[_Part]:
    """The text read as coordinates, split into its parts (InvalidCoordinates if it cannot be)."""
    body = text.strip()
    if body.startswith("(") and body.endswith(")"):
        body = body[1:-1]
    pos, groups, seps = 0, [[_Part()]], 0
    while pos < len(body):
        m = _TOKEN.match(body, pos)
        if not m or m.end() == pos:
            raise _bad(f"{body[pos:].strip()[:20]!r} cannot be part of coordinates")
        pos = m.end()
        parts = groups[-1]
        cur = parts[-1]
        if m.group("sep"):
            seps += 1
            groups.append([_Part()])
            continue
        if m.group("hemi"):
            word = m.group("hemi")
            letter = _HEMI_WORDS.get(word.lower())
            if letter is None:
                raise _bad(f"{word!r} is not a hemisphere letter (N, S, E or W)")
            if not cur.values and cur.pre is None:
                cur.pre = letter
            elif cur.values and cur.pre is None and cur.post is None:
                cur.post = letter
            elif cur.values:
                parts.append(_Part(pre=letter))
                cur = parts[-1]
            else:
                raise _bad(f"two hemisphere letters in a row ({cur.pre} {letter})")
            cur.text.append(word)
            continue
        num, mark = m.group("num").replace(" ", ""), m.group("mark")
        if mark is None:
            unit = cur.values[-1][1] + 1 if cur.values else 0
        else:
            unit = {"°": 0, "'": 1, '"': 2, "''": 2}[mark]
        if cur.values and (cur.post is not None or unit <= cur.values[-1][1] or num[0] in "+-"):
            # a new coordinate: after a closing letter, a sign, or degrees again ("40° 74°")
            parts.append(_Part())
            cur = parts[-1]
            if mark is None:
                unit = 0
        if unit > 2:
            raise _bad(f"{cur.shown()} {num} has more than degrees, minutes and seconds")
        cur.values.append((num, unit))
        cur.text.append(num + (mark or ""))
    if seps > 1:
        raise _bad(f"{text.strip()!r} has {seps + 1} parts; coordinates are two, lat and lon")
    if seps == 1:
        for g in groups:
            if len(g) != 1 or not g[0].values:
                what = " and ".join(p.shown() or "nothing" for p in g)
                raise _bad(f"one coordinate was expected on each side of the comma, got {what}")
        return [groups[0][0], groups[1][0]]
    parts = [p for p in groups[0] if p.values or p.hemi]
    if len(parts) != 2 or not all(p.values for p in parts):
        raise _bad(f"{text.strip()!r} is not two coordinates (latitude and longitude)")
    return parts


def _degrees(part: _Part) -> float:
    """The part's value in degrees, signed by its letter; InvalidCoordinates says what is wrong."""
    shown = part.shown()
    values = part.values
    for num, _ in values[1:]:
        if num[0] in "+-":
            raise _bad(f"in {shown!r}, only the degrees may have a sign")
    for num, unit in values[:-1]:
        if "." in num:
            raise _bad(
                f"in {shown!r}, the {_UNIT_NAMES[unit]} have a decimal part but are followed by "
                f"{_UNIT_NAMES[unit + 1]}; only the last number may have one"
            )
    if any(unit != i for i, (_, unit) in enumerate(values)):
        missing = _UNIT_NAMES[next(i for i, (_, u) in enumerate(values) if u != i)]
        raise _bad(f"in {shown!r}, the {missing} are missing")
    nums = [float(num) for num, _ in values]
    for x, unit in zip(nums[1:], (1, 2), strict=False):
        if x >= 60:
            raise _bad(f"in {shown!r}, {x:g} {_UNIT_NAMES[unit]} is not less than 60")
    sign = -1.0 if values[0][0].startswith("-") else 1.0
    value = abs(nums[0]) + sum(x / d for x, d in zip(nums[1:], (60.0, 3600.0), strict=False))
    hemi = part.hemi
    if hemi is not None:
        if sign < 0:
            raise _bad(
                f"{shown!r} has both a minus sign and the letter {hemi}; the letter gives the "
                "sign (S and W are negative), so write one or the other"
            )
        if part.pre is not None and part.post is not None:
            raise _bad(f"{shown!r} has two hemisphere letters")
        limit = 90 if hemi in "NS" else 180
        if value > limit:
            axis = "latitude" if hemi in "NS" else "longitude"
            raise _bad(f"{axis} {value:g}° {hemi} is beyond {limit}°")
        return -value if hemi in "SW" else value
    return sign * value


def _parse_notation(text: str) -> tuple[float, float]:
    first, second = _parts(text)
    a, b = _degrees(first), _degrees(second)
    h1, h2 = first.hemi, second.hemi
    if (h1 is None) != (h2 is None):
        raise _bad(
            f"only one of {first.shown()!r} and {second.shown()!r} has a hemisphere letter; "
            "give both (N or S, and E or W) or neither"
        )
    if h1 is not None and h2 is not None:
        if (h1 in "NS") == (h2 in "NS"):
            axis = "latitude (N/S)" if h1 in "NS" else "longitude (E/W)"
            raise _bad(f"both {first.shown()!r} and {second.shown()!r} are a {axis}")
        if h1 in "EW":  # the letters give the order: "74 W, 40 N" is (40, -74)
            a, b = b, a
    try:
        check_coordinates(a, b)
    except InvalidCoordinates as exc:
        raise _bad(exc.message) from exc
    return a, b


def parse_coordinates(text: str) -> tuple[float, float] | None:
    """(lat, lon) if the text is coordinates, None if it is not; InvalidCoordinates if it looks
    like coordinates but is malformed or out of range.

    Read: 'lat, lon' in decimal degrees (latitude first; a space instead of the comma when a number
    has a decimal point, as "12345 6789" is a ZIP+4); hemisphere letters before or after each
    number, which give the sign (S, W negative) and the order (N/S is latitude wherever it is);
    degrees, minutes and seconds or degrees and decimal minutes, with ° ' " or typographic primes
    (′ ″ ’ ”) or by position ('40 42 46 N'). Without letters the order is never guessed."""
    norm = text.translate(_MARKS)
    if _looks_like_coordinates(norm):
        return _parse_notation(norm)
    m = _COORDS.match(text)
    if not m:
        return None
    a, sep, b = m.groups()
    if sep.isspace() and "." not in a + b:
        return None  # "12345 6789" is a ZIP+4, not coordinates
    lat, lon = float(a), float(b)
    try:
        check_coordinates(lat, lon)
    except InvalidCoordinates as exc:
        raise InvalidCoordinates(exc.message, hint=_COORD_HINT) from exc
    return lat, lon
