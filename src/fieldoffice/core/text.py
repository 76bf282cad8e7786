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
