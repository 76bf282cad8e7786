"""Which strings the site translates: extracted from the templates, the page code and the core's
wording with Babel (a test helper: the running site never needs it)."""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import extract_from_file

import fieldoffice.web

HERE = Path(fieldoffice.web.__file__).parent
PACKAGE = HERE.parent
# modules whose msgids are marked _("...", **params): the page parts, and the words of the layers
# below the web (each passes its msgids through the caller's catalog)
MARKED = (
    HERE / "answer_map.py",
    HERE / "verify_page.py",
    PACKAGE / "lookup" / "wording.py",
    PACKAGE / "verify" / "__init__.py",
    PACKAGE / "store" / "summary.py",
)


def _extract(path: Path, keywords: dict[str, object]) -> set[str]:
    found: set[str] = set()
    for _line, msg, _comments, _ctx in extract_from_file("python", str(path), keywords=keywords):
        found.add(msg if isinstance(msg, str) else msg[0])  # plurals: the singular msgid
    return found


def extracted_messages() -> set[str]:
    """Every msgid the site asks to translate (templates: _(...), ngettext; pages.py:
    self._(lang, ...); the modules in MARKED: _(...))."""
    found: set[str] = set()
    for template in sorted((HERE / "templates").glob("*.html")):
        for _line, msg, _comments, _ctx in extract_from_file("jinja2", str(template)):
            found.add(msg if isinstance(msg, str) else msg[0])  # plurals: the singular msgid
    found |= _extract(HERE / "pages.py", {"_": (2,)})
    found |= _extract(HERE / "answer_map.py", {"_": (1, 2)})  # _(singular, plural, n)
    for source in MARKED:
        found |= _extract(source, {"_": None})
    from fieldoffice.web.i18n import CONFIDENCE_TEXT, STATUS_TEXT

    found.update(STATUS_TEXT.values())
    found.update(CONFIDENCE_TEXT.values())
    found.update({"Page not found", "That request cannot be answered", "Something went wrong"})
    return found
