"""Languages on the site: the catalogs (core.catalog) as pages use them, and the directory's own
words as a page in each language shows them (its translations, or the English)."""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from fieldoffice.core.catalog import SOURCE_LANGUAGE, translations
from fieldoffice.core.models import Directory
from fieldoffice.lookup.wording import LANGUAGES

__all__ = [
    "LANGUAGES", "PREFIX", "DirectoryWords", "Said", "Say", "directory_words", "sayer", "state_namer",
    "state_names", "translations",
]  # fmt: skip

PREFIX = {"en": "", "es": "/es"}


@dataclass(frozen=True)
class Said:
    """One of the directory's texts as a page shows it: in the page's language when the directory
    has a translation (then `original` is the official English), else as written (`lang` "en")."""

    text: str
    lang: str
    original: str | None = None


@dataclass(frozen=True)
class NoticeWords:
    id: str
    kind: str
    text: Said
    summary: Said | None


@dataclass(frozen=True)
class DirectoryWords:
    """The directory's words for pages in one language."""

    organization: Said
    title: Said
    media_name: Said
    media_text: Said | None
    media_about: Said | None
    credit_line: Said | None
    notices: tuple[NoticeWords, ...]
    statement: str | None  # the translation says what it is; None when nothing is translated

    @property
    def scam_notices(self) -> tuple[NoticeWords, ...]:
        return tuple(n for n in self.notices if n.kind == "scam")


def directory_words(d: Directory, lang: str) -> DirectoryWords:
    t = d.translations.get(lang) if lang != SOURCE_LANGUAGE else None

    def said(official: str, translated: str | None) -> Said:
        if translated:
            return Said(translated, lang, official)
        return Said(official, SOURCE_LANGUAGE)

    def maybe(official: str | None, translated: str | None) -> Said | None:
        return said(official, translated) if official else None

    notices = tuple(
        NoticeWords(
            n.id,
            n.kind,
            said(n.text, t.notices.get(n.id) if t else None),
            maybe(n.summary, t.summaries.get(n.id) if t else None),
        )
        for n in d.notices
    )
    return DirectoryWords(
        organization=said(d.organization, t.organization if t else None),
        title=said(d.title, t.title if t else None),
        media_name=said(d.media.name, t.media_name if t else None),
        media_text=maybe(d.media.text, t.media_text if t else None),
        media_about=maybe(d.media.about, t.media_about if t else None),
        credit_line=maybe(d.credit_line, t.credit_line if t else None),
        notices=notices,
        statement=t.statement if t else None,
    )


STATUS_TEXT = {
    "matched": "One office is responsible",
    "split": "This place is divided between territories",
    "overlap": "More than one office claims this place",
    "near_boundary": "This point is close to a territory line",
    "uncovered": "No office covers this place",
    "ambiguous": "Places in several states have this name",
    "not_found": "Place not found",
    "invalid": "That cannot be a place",
}

CONFIDENCE_TEXT = {
    "high": "high",
    "medium-high": "medium-high",
    "medium": "medium",
    "low": "low (the county list is inferred)",
}


Say = Callable[..., str]


def sayer(lang: str) -> Say:
    """`_(msgid, **params)` in `lang`: the msgid through its catalog, then its %(params)s;
    `_(singular, plural, n, **params)` the form for `n` (ngettext)."""
    catalog = translations(lang)

    def say(msgid: str, plural: str | None = None, n: int = 1, **params: Any) -> str:
        """`plural` and `n`: the form of the message for `n` (ngettext), `n` among its params."""
        if plural is not None:
            return catalog.ngettext(msgid, plural, n) % {"n": n, **params}
        text = catalog.gettext(msgid)
        return text % params if params else text

    return say


@cache
def state_names(lang: str) -> dict[str, str]:
    """USPS code -> the state's or territory's name in `lang` (data/locales/<lang>/states.toml,
    whose header names its source); empty for English, whose names are the gazetteer's."""
    if lang == SOURCE_LANGUAGE:
        return {}
    table = resources.files("fieldoffice.data").joinpath(f"locales/{lang}/states.toml")
    with table.open("rb") as f:
        return {k: str(v) for k, v in tomllib.load(f).items()}


def state_namer(lang: str, english: Mapping[str, str]) -> Callable[[str], str]:
    """A state's name in `lang` by its USPS code, else its English name (`english`)."""
    names = state_names(lang)

    def name(usps: str) -> str:
        return names.get(usps) or english.get(usps, usps)

    return name
