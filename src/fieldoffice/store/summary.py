"""What a published version changed, in sentences, from its stored diff: "94 counties moved
from Detroit Office to New York Office". English and Spanish; the diff itself is data."""

from __future__ import annotations

from typing import Any

_WORDS: dict[str, dict[str, str]] = {
    "en": {
        "first": "First published version: {offices} offices.",
        "same": "Published again with no change to the directory.",
        "added": "Office added: {name}.",
        "removed": "Office removed: {name}.",
        "renamed": "{old} is now named {new}.",
        "moved_office": "{name} moved from {old} to {new}.",
        "contact": "{who}: {channel} changed from {old} to {new}.",
        "aor": "{name}: the area of responsibility now reads \u201c{new}\u201d.",
        "notice": "Notice {id} changed.",
        "notice_added": "Notice {id} added.",
        "notice_removed": "Notice {id} removed.",
        "verification": "The verification lists changed ({n}).",
        "moved_one": "1 county moved from {a} to {b}.",
        "moved": "{n} counties moved from {a} to {b}.",
        "nobody": "no office",
        "national": "national media line",
        "rollback": "Rolled back to version {id}.",
        "none": "(none)",
    },
    "es": {
        "first": "Primera versión publicada: {offices} oficinas.",
        "same": "Publicada de nuevo sin cambios en el directorio.",
        "added": "Oficina añadida: {name}.",
        "removed": "Oficina eliminada: {name}.",
        "renamed": "{old} ahora se llama {new}.",
        "moved_office": "{name} se trasladó de {old} a {new}.",
        "contact": "{who}: {channel} cambió de {old} a {new}.",
        "aor": "{name}: el área de responsabilidad ahora dice \u201c{new}\u201d.",
        "notice": "El aviso {id} cambió.",
        "notice_added": "Aviso {id} añadido.",
        "notice_removed": "Aviso {id} eliminado.",
        "verification": "Las listas de verificación cambiaron ({n}).",
        "moved_one": "1 condado pasó de {a} a {b}.",
        "moved": "{n} condados pasaron de {a} a {b}.",
        "nobody": "ninguna oficina",
        "national": "línea nacional de prensa",
        "rollback": "Se volvió a la versión {id}.",
        "none": "(ninguno)",
    },
}
_CHANNEL = {"es": {"phone": "el teléfono", "email": "el correo", "name": "el nombre"}}


def sentences(changes: dict[str, Any], lang: str = "en") -> list[str]:
    """The changes of one version, most telling first."""
    w = _WORDS.get(lang, _WORDS["en"])
    names: dict[str, str] = changes.get("names", {})
    out: list[str] = []
    if changes.get("rollback_of"):
        out.append(w["rollback"].format(id=changes["rollback_of"]))
    if changes.get("first"):
        return [*out, w["first"].format(offices=changes.get("offices", 0))]

    def office(ids: str) -> str:
        if ids == "(none)":
            return w["nobody"]
        return " + ".join(names.get(i, i) for i in ids.split("|"))

    for m in changes.get("counties_moved", []):
        key = "moved_one" if m["count"] == 1 else "moved"
        out.append(w[key].format(n=f"{m['count']:,}", a=office(m["from"]), b=office(m["to"])))
    out += [w["added"].format(name=x["name"]) for x in changes.get("added", [])]
    out += [w["removed"].format(name=x["name"]) for x in changes.get("removed", [])]
    out += [w["renamed"].format(old=x["old"], new=x["new"]) for x in changes.get("renamed", [])]
    out += [w["moved_office"].format(name=names.get(x["id"], x["id"]), old=x["old"], new=x["new"])
            for x in changes.get("moved_office", [])]  # fmt: skip
    for c in changes.get("contacts", []):
        who = w["national"] if c["who"] == "national media line" else names.get(c["who"], c["who"])
        channel = _CHANNEL.get(lang, {}).get(c["channel"], c["channel"])
        out.append(w["contact"].format(who=who, channel=channel, old=c["old"] or w["none"],
                                       new=c["new"] or w["none"]))  # fmt: skip
    out += [w["aor"].format(name=names.get(x["id"], x["id"]), new=x["new"])
            for x in changes.get("aor_text", [])]  # fmt: skip
    for n in changes.get("notices", []):
        key = (
            "notice_added"
            if n["old"] is None
            else "notice_removed"
            if n["new"] is None
            else "notice"
        )
        out.append(w[key].format(id=n["id"]))
    if changes.get("verification"):
        out.append(w["verification"].format(n=len(changes["verification"])))
    return out or [w["same"]]


def headline(changes: dict[str, Any], lang: str = "en") -> str:
    """One line for a feed title: the first sentence, and how many more."""
    all_ = sentences(changes, lang)
    more = len(all_) - 1
    if more <= 0:
        return all_[0]
    return f"{all_[0]} (+{more} {'more' if lang == 'en' else 'más'})"
