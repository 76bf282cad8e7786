"""What a published version changed, in sentences, from its stored diff: "94 counties moved
from Detroit Office to New York Office". The diff itself is data.

Every sentence is a msgid marked with _(), worded through a gettext catalog as lookup/wording.py's
are: English as written, another language through its catalog (core.catalog, data/locales), which
tests/i18n_messages.py checks has every msgid translated.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Gettext = Callable[[str], str]


def _(text: str) -> str:
    """Marks a msgid for extraction; the text is looked up in the caller's catalog at use."""
    return text


def _english(text: str) -> str:
    return text


_CONTACT = {
    "phone": _("%(who)s: phone changed from %(old)s to %(new)s."),
    "email": _("%(who)s: email changed from %(old)s to %(new)s."),
    "name": _("%(who)s: name changed from %(old)s to %(new)s."),
}
_ANY_CONTACT = _("%(who)s: %(channel)s changed from %(old)s to %(new)s.")
_NOTICE = {
    "added": _("Notice %(id)s added."),
    "removed": _("Notice %(id)s removed."),
    "changed": _("Notice %(id)s changed."),
}


def gettext_for(lang: str | Gettext) -> Gettext:
    """A language's gettext: English as written; another language from its catalog."""
    if callable(lang):
        return lang
    if lang == "en":
        return _english
    from fieldoffice.core.catalog import translations
    from fieldoffice.lookup.wording import LANGUAGES

    return translations(lang).gettext if lang in LANGUAGES else _english


def sentences(changes: dict[str, Any], lang: str | Gettext = "en") -> list[str]:
    """The changes of one version, most telling first."""
    t = gettext_for(lang)

    def say(msgid: str, **params: Any) -> str:
        return t(msgid) % params

    names: dict[str, str] = changes.get("names", {})
    out: list[str] = []
    if changes.get("rollback_of"):
        out.append(say(_("Rolled back to version %(id)s."), id=changes["rollback_of"]))
    if changes.get("first"):
        return [*out, say(_("First published version: %(offices)s offices."), offices=changes.get("offices", 0))]  # fmt: skip

    def office(ids: str) -> str:
        if ids == "(none)":
            return t(_("no office"))
        return " + ".join(names.get(i, i) for i in ids.split("|"))

    for m in changes.get("counties_moved", []):
        moved = _("1 county moved from %(a)s to %(b)s.") if m["count"] == 1 else _("%(n)s counties moved from %(a)s to %(b)s.")  # fmt: skip
        out.append(say(moved, n=f"{m['count']:,}", a=office(m["from"]), b=office(m["to"])))
    out += [say(_("Office added: %(name)s."), name=x["name"]) for x in changes.get("added", [])]
    out += [say(_("Office removed: %(name)s."), name=x["name"]) for x in changes.get("removed", [])]
    out += [say(_("%(old)s is now named %(new)s."), old=x["old"], new=x["new"]) for x in changes.get("renamed", [])]  # fmt: skip
    out += [say(_("%(name)s moved from %(old)s to %(new)s."), name=names.get(x["id"], x["id"]), old=x["old"], new=x["new"])
            for x in changes.get("moved_office", [])]  # fmt: skip
    for c in changes.get("contacts", []):
        national = c["who"] == "national media line"
        who = t(_("national media line")) if national else names.get(c["who"], c["who"])
        none = t(_("(none)"))
        out.append(say(_CONTACT.get(c["channel"], _ANY_CONTACT), who=who, channel=c["channel"],
                       old=c["old"] or none, new=c["new"] or none))  # fmt: skip
    out += [say(_("%(name)s: the area of responsibility now reads \u201c%(new)s\u201d."), name=names.get(x["id"], x["id"]), new=x["new"])
            for x in changes.get("aor_text", [])]  # fmt: skip
    for n in changes.get("notices", []):
        which = "added" if n["old"] is None else "removed" if n["new"] is None else "changed"
        out.append(say(_NOTICE[which], id=n["id"]))
    if changes.get("verification"):
        out.append(
            say(_("The verification lists changed (%(n)s)."), n=len(changes["verification"]))
        )
    return out or [t(_("Published again with no change to the directory."))]


def headline(changes: dict[str, Any], lang: str | Gettext = "en") -> str:
    """One line for a feed title: the first sentence, and how many more."""
    all_ = sentences(changes, lang)
    more = len(all_) - 1
    if more <= 0:
        return all_[0]
    return gettext_for(lang)(_("%(first)s (+%(more)d more)")) % {"first": all_[0], "more": more}
