"""The gettext catalogs (Babel .po files in data/locales), compiled in memory on first use.

Every layer that puts things into words for people (the lookup's reasons, the store's change
summaries, verify's headings, the site's pages) takes its language's catalog from here.
"""

from __future__ import annotations

import gettext
import io
from functools import cache
from importlib import resources

SOURCE_LANGUAGE = "en"  # the msgids are English: no catalog needed


@cache
def translations(lang: str) -> gettext.NullTranslations:
    """The catalog of `lang` (English: the msgids as they are)."""
    if lang == SOURCE_LANGUAGE:
        return gettext.NullTranslations()
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po
    from babel.support import Translations

    po = resources.files("fieldoffice.data").joinpath(f"locales/{lang}/LC_MESSAGES/messages.po")
    with po.open("rb") as f:
        catalog = read_po(f, locale=lang)
    buf = io.BytesIO()
    write_mo(buf, catalog)
    buf.seek(0)
    return Translations(buf)
