"""Which strings the site translates: extracted from the templates, the page code and the core's
wording with Babel (a test helper: the running site never needs it)."""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import extract_from_file

import fieldoffice.web

HERE = Path(fieldoffice.web.__file__).parent


def extracted_messages() -> set[str]:
    """Every msgid the site asks to translate (templates: _(...), ngettext; pages.py: self._(lang, ...))."""
    found: set[str] = set()
    for template in sorted((HERE / "templates").glob("*.html")):
        for _line, msg, _comments, _ctx in extract_from_file("jinja2", str(template)):
            found.add(msg if isinstance(msg, str) else msg[0])  # plurals: the singular msgid
    for source in ("pages.py",):
        for _line, msg, _comments, _ctx in extract_from_file(
            "python", str(HERE / source), keywords={"_": (2,)}
        ):
            found.add(msg if isinstance(msg, str) else msg[0])  # plurals: the singular msgid
    wording = HERE.parent / "lookup" / "wording.py"  # the core's reasons, worded through the same catalog
    for _line, msg, _comments, _ctx in extract_from_file(
        "python", str(wording), keywords={"_": None}
    ):
        found.add(msg if isinstance(msg, str) else msg[0])
    from fieldoffice.web.i18n import CONFIDENCE_TEXT, STATUS_TEXT

    found.update(STATUS_TEXT.values())
    found.update(CONFIDENCE_TEXT.values())
    found.update({"Page not found", "That request cannot be answered", "Something went wrong"})
    from fieldoffice.web.pages import Pages

    found.update(Pages.VERDICT_TEXT.values())
    found.update({"phone", "email", "website"})
    return found
