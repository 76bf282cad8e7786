"""Languages: gettext catalogs (Babel .po files) compiled in memory when the app starts."""

from __future__ import annotations

import gettext
import io
from functools import cache
from importlib import resources

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

LANGUAGES = ("en", "es")
PREFIX = {"en": "", "es": "/es"}


@cache
def translations(lang: str) -> gettext.NullTranslations:
    if lang == "en":
        return gettext.NullTranslations()
    po = resources.files("fieldoffice.web").joinpath(f"locales/{lang}/LC_MESSAGES/messages.po")
    with po.open("rb") as f:
        catalog = read_po(f, locale=lang)
    buf = io.BytesIO()
    write_mo(buf, catalog)
    buf.seek(0)
    return Translations(buf)


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
