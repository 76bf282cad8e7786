"""Folding names so that what a person types meets what the data says."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_SAINT = re.compile(r"\b(st|ste)\b\.?", re.IGNORECASE)
_FORT = re.compile(r"\bft\b\.?", re.IGNORECASE)
_MOUNT = re.compile(r"\bmt\b\.?", re.IGNORECASE)
_NON_WORD = re.compile(r"[^a-z0-9]+")
_APOSTROPHE = re.compile(r"['’`]")


@lru_cache(maxsize=1 << 17)  # the gazetteer folds ~60k names, most of them repeats
def fold(text: str) -> str:
    """Case, accents, punctuation and spacing folded; "St."/"Ste." read as "Saint"/"Sainte"."""
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text)
        text = "".join(c for c in text if not unicodedata.combining(c))
    text = _SAINT.sub(lambda m: "saint" if m.group(1).lower() == "st" else "sainte", text)
    text = _FORT.sub("fort", text)
    text = _MOUNT.sub("mount", text)
    text = _APOSTROPHE.sub("", text)  # "Prince George's" = "Prince Georges"
    return _NON_WORD.sub(" ", text.lower()).strip()


# What people paste between a ZIP and its +4, for a regex character class read alike by Python
# and Arrow (RE2's \s is ASCII only): a hyphen, a Unicode dash (hyphen to horizontal bar, minus),
# "_", ".", or a space (ASCII, no-break, the typographic ones, ideographic)
ZIP4_DASH = "\\-\u2010-\u2015\u2212_."
ZIP4_SEPARATOR = ZIP4_DASH + " \t\u00a0\u2000-\u200a\u202f\u205f\u3000"


def unread(text: str) -> str:
    """The letters, digits and symbols of `text` that fold drops ("Лас-Вегас", emoji): text a
    name is not read from. Punctuation, spacing and accents are not counted."""
    if text.isascii():
        return ""
    return "".join(c for c in text if unicodedata.category(c)[0] in "LNS" and not fold(c))


# C0 and C1 controls, DEL, and the format characters that reorder or hide text (bidi overrides
# and isolates, zero-width characters): a terminal acts on them, a page reorders or hides text
# around them, so text someone typed or stored is never echoed with them as they are
UNSAFE_BEYOND_C0 = (
    "\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff"  # (JSON escapes C0)
)
_UNSAFE = re.compile(f"[\x00-\x1f{UNSAFE_BEYOND_C0}]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t", "\x1b": "\\x1b"}


def shown(text: str, *, keep_newlines: bool = False) -> str:
    """`text` with every control and invisible format character written as a visible escape
    (`\\x1b`, `\\r`, `\\u202e`), so it reads as what it is; with `keep_newlines`, line breaks
    stay. A backslash is doubled only in text that needed escapes, so plain text is unchanged."""
    if not _UNSAFE.search(text):
        return text

    def escape(m: re.Match[str]) -> str:
        c = m.group()
        if keep_newlines and c == "\n":
            return c
        if c in _NAMED:
            return _NAMED[c]
        return f"\\x{ord(c):02x}" if ord(c) < 0x100 else f"\\u{ord(c):04x}"

    return _UNSAFE.sub(escape, text.replace("\\", "\\\\"))
