"""One way of putting things into words: the change summaries (store/summary.py) and the verify
page's headings and short sentences (verify/) are msgids worded through the web's catalogs, and
say in Spanish exactly what the hand-kept words said before."""

from __future__ import annotations

from typing import Any

from fieldoffice.store import summary
from fieldoffice.verify import CHANNELS, HEADINGS, Verdict
from fieldoffice.verify import summary as verdict_summary
from fieldoffice.web.i18n import translations
from tests.i18n_messages import extracted_messages

CHANGES: dict[str, Any] = {
    "names": {"a": "Detroit Office", "b": "New York Office"},
    "rollback_of": 3,
    "counties_moved": [{"count": 1094, "from": "a", "to": "b"}, {"count": 1, "from": "(none)", "to": "a"}],
    "added": [{"name": "X Office"}], "removed": [{"name": "Y Office"}],
    "renamed": [{"old": "A", "new": "B"}], "moved_office": [{"id": "a", "old": "Detroit", "new": "Troy"}],
    "contacts": [{"who": "national media line", "channel": "phone", "old": "", "new": "1"},
                 {"who": "a", "channel": "email", "old": "a@x.gov", "new": ""},
                 {"who": "a", "channel": "fax", "old": "1", "new": "2"}],
    "aor_text": [{"id": "a", "new": "Michigan"}],
    "notices": [{"id": "n1", "old": None, "new": "x"}, {"id": "n2", "old": "x", "new": None},
                {"id": "n3", "old": "x", "new": "y"}],
    "verification": [1, 2],
}  # fmt: skip

# what store/summary.py's hand-kept dictionary said for CHANGES
SPANISH = [
    "Se volvió a la versión 3.",
    "1,094 condados pasaron de Detroit Office a New York Office.",
    "1 condado pasó de ninguna oficina a Detroit Office.",
    "Oficina añadida: X Office.",
    "Oficina eliminada: Y Office.",
    "A ahora se llama B.",
    "Detroit Office se trasladó de Detroit a Troy.",
    "línea nacional de prensa: el teléfono cambió de (ninguno) a 1.",
    "Detroit Office: el correo cambió de a@x.gov a (ninguno).",
    "Detroit Office: fax cambió de 1 a 2.",
    "Detroit Office: el área de responsabilidad ahora dice \u201cMichigan\u201d.",
    "Aviso n1 añadido.",
    "Aviso n2 eliminado.",
    "El aviso n3 cambió.",
    "Las listas de verificación cambiaron (2).",
]
ENGLISH = [
    "Rolled back to version 3.",
    "1,094 counties moved from Detroit Office to New York Office.",
    "1 county moved from no office to Detroit Office.",
    "Office added: X Office.",
    "Office removed: Y Office.",
    "A is now named B.",
    "Detroit Office moved from Detroit to Troy.",
    "national media line: phone changed from (none) to 1.",
    "Detroit Office: email changed from a@x.gov to (none).",
    "Detroit Office: fax changed from 1 to 2.",
    "Detroit Office: the area of responsibility now reads \u201cMichigan\u201d.",
    "Notice n1 added.",
    "Notice n2 removed.",
    "Notice n3 changed.",
    "The verification lists changed (2).",
]


def test_change_summaries_in_both_languages() -> None:
    assert summary.sentences(CHANGES) == ENGLISH
    assert summary.sentences(CHANGES, "es") == SPANISH
    assert summary.sentences(CHANGES, translations("es").gettext) == SPANISH  # a catalog itself
    assert summary.headline(CHANGES, "es") == "Se volvió a la versión 3. (+14 más)"
    assert summary.headline(CHANGES) == "Rolled back to version 3. (+14 more)"
    assert summary.sentences({}, "es") == ["Publicada de nuevo sin cambios en el directorio."]
    first = {"first": True, "offices": 25}
    assert summary.sentences(first, "es") == ["Primera versión publicada: 25 oficinas."]


def test_every_verdict_has_a_heading_and_every_msgid_is_extracted() -> None:
    assert set(HEADINGS) == {"listed", "official_domain", "reported", "look_alike", "not_listed"}
    found = extracted_messages()
    assert set(HEADINGS.values()) | set(CHANNELS) <= found
    es = translations("es")
    assert all(es.gettext(m) != m for m in HEADINGS.values())


def test_a_verdict_in_a_short_sentence() -> None:
    es = translations("es").gettext
    v = Verdict(
        "x",
        "phone",
        "+12027324646",
        "listed",
        "",
        matches=[{"channel": "phone", "name": "ICE Office"}],
    )
    assert verdict_summary(v, es) == "(202) 732-4646 es el teléfono que figura para ICE Office."
    v = Verdict("x", "phone", "+12027324646", "not_listed", "")
    assert (
        verdict_summary(v, lambda m: m) == "(202) 732-4646 is not a contact this directory lists."
    )
