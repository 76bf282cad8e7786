"""The editors' forms as directory data and back: what each form shows of the draft, and what a
posted form means for it (notices with their Spanish texts, the verification lists)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from starlette.datastructures import FormData

from fieldoffice.core.errors import Conflict, InvalidInput
from fieldoffice.store import drafts

MEDIA_FORM = ("name", "phone", "email", "text", "about")


def text_field(form: FormData, key: str, limit: int = 20_000) -> str:
    """A text field, trimmed and bounded (a file where text belongs reads as empty). A
    browser sends a textarea's line breaks as CR LF: they become LF, the one line break the
    store accepts (a lone CR is a control character, refused there)."""
    value = form.get(key, "")
    return value.replace("\r\n", "\n").strip()[:limit] if isinstance(value, str) else ""


def conflict_details(exc: Conflict) -> dict[str, Any]:
    return exc.details if isinstance(exc.details, dict) else {}


def draft_office(draft: drafts.Draft, office_id: str) -> dict[str, Any]:
    from fieldoffice.core.errors import NotFound

    for o in draft.raw["office"]:
        if o["id"] == office_id:
            return dict(o)
    raise NotFound(f"the draft has no office {office_id!r}")


def clause_shown(clause: dict[str, Any]) -> dict[str, Any]:
    """A clause as the form lists it: what it names and how many counties that is."""
    from fieldoffice.directory.context import shared_gazetteer, shared_regions

    gaz, regions = shared_gazetteer(), shared_regions()[1]
    fips: set[str] = set()
    if clause.get("state"):
        fips = {c.fips for c in gaz.state_counties(clause["state"])}
        means = f"the state {clause['state']}"
    elif clause.get("region") in regions:
        fips = set(regions[clause["region"]].counties)
        means = f"the region {clause['region']}"
    elif clause.get("region"):
        means = f"an unknown region {clause['region']}"
    else:
        fips = set(clause.get("counties") or ())
        means = "counties named one by one" if fips else "nothing: no county matches these words"
    for rid in clause.get("except_regions", ()):
        fips -= set(regions[rid].counties) if rid in regions else set()
    fips -= set(clause.get("except_counties", ()))
    return {"phrase": clause.get("phrase", ""), "means": means, "counties": len(fips)}


def short_value(value: Any, limit: int = 120) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def change_lines(changes: list[dict[str, Any]]) -> list[str]:
    """What changed meanwhile, one line each (a stale edit's `details["changes"]`)."""
    none = "(none)"
    return [f"{c['where']}: {short_value(c['old']) if c['old'] is not None else none} → "
            f"{short_value(c['new']) if c['new'] is not None else none}" for c in changes]  # fmt: skip


def directory_values(raw: dict[str, Any]) -> dict[str, Any]:
    """The directory's parts as the forms show them."""
    d = raw["directory"]
    es = d.get("translations", {}).get("es", {}).get("notice", {})
    notices = [{"id": n["id"], "kind": n["kind"], "text": n["text"],
                "es": es.get(n["id"], {}).get("text", "")} for n in d.get("notice", [])]  # fmt: skip
    reported = "\n".join(" | ".join(x for x in (r["contact"], r["date"], r.get("note", "")) if x)
                         for r in d.get("reported", []))  # fmt: skip
    return {
        "media": {k: d.get("media", {}).get(k, "") for k in MEDIA_FORM},
        "notices": {"notices": notices},
        "verification": {"domains": "\n".join(d.get("verification", {}).get("official_domains", [])),
                         "reported": reported},
        "credit": {"text": d.get("credit_line", {}).get("text", "")},
    }  # fmt: skip


def posted_notices(form: FormData) -> list[dict[str, str]]:
    """The notices as sent: rows notice-N-*, plus the blank row for a new one; a row with
    'remove' ticked, or with no text, is left out."""
    out = []
    for i in range(100):
        if f"notice-{i}-id" not in form:
            break
        row = {k: text_field(form, f"notice-{i}-{k}") for k in ("id", "kind", "text", "es")}
        if row["text"] and text_field(form, f"notice-{i}-remove", 5) != "yes":
            out.append(row)
    return out


def save_notices(store: Any, rows: list[dict[str, str]], *, base: str | None, actor: str,
                  address: str) -> drafts.Draft:  # fmt: skip
    """The notices and their Spanish texts as one revision: a notice never goes public without
    the translation saved with it. Short forms of removed notices go with them."""
    for r in rows:
        if not r["id"] or not r["kind"]:
            raise InvalidInput(f"the notice beginning {r['text'][:40]!r} needs an id and a kind",
                               hint="an id is a short slug such as 'scam-calls'; a kind is scam, closure or general")  # fmt: skip
    ids = [r["id"] for r in rows]
    if len(set(ids)) != len(ids):
        raise InvalidInput("two notices have the same id", hint="give each notice its own id")

    def mutate(raw: dict[str, Any]) -> None:
        d = raw["directory"]
        if rows:
            d["notice"] = [{"id": r["id"], "kind": r["kind"], "text": r["text"]} for r in rows]
        else:
            d.pop("notice", None)
        if "notice_summary" in d:
            d["notice_summary"] = {k: v for k, v in d["notice_summary"].items() if k in ids}
            if not d["notice_summary"]:
                del d["notice_summary"]
        es = d.get("translations", {}).get("es")
        if es is None:
            if any(r["es"] for r in rows):
                raise InvalidInput("the directory has no Spanish translation to add a notice to",
                                   hint="upload or import a directory with [directory.translations.es] and its statement")  # fmt: skip
            return
        old = es.get("notice", {})
        new = {r["id"]: {**old.get(r["id"], {}), "text": r["es"]} for r in rows if r["es"]}
        if new:
            es["notice"] = new
        else:
            es.pop("notice", None)

    return drafts.change(store, mutate, base=base, actor=actor, address=address, action="edit",
                         target="directory notice")  # fmt: skip


def save_verification(store: Any, typed: dict[str, str], *, base: str | None, actor: str,
                       address: str) -> drafts.Draft:  # fmt: skip
    """Official domains (one per line) and reported contacts ('contact | date | note' a line)
    as one revision."""
    domains = [line.strip().lower() for line in typed["domains"].splitlines() if line.strip()]
    reported = []
    for n, line in enumerate(typed["reported"].splitlines(), 1):
        if not line.strip():
            continue
        parts = [p.strip() for p in line.split("|")]
        entry = {"contact": parts[0],
                 "date": parts[1] if len(parts) > 1 and parts[1] else dt.date.today().isoformat()}  # fmt: skip
        if len(parts) > 2 and parts[2]:
            entry["note"] = " | ".join(parts[2:])
        if not entry["contact"]:
            raise InvalidInput(f"reported line {n} names no contact", hint="write 'contact | date | note'")  # fmt: skip
        reported.append(entry)

    def mutate(raw: dict[str, Any]) -> None:
        d = raw["directory"]
        v = d.setdefault("verification", {})
        if domains:
            v["official_domains"] = domains
        else:
            v.pop("official_domains", None)
        if not v:
            del d["verification"]
        if reported:
            d["reported"] = reported
        else:
            d.pop("reported", None)

    return drafts.change(store, mutate, base=base, actor=actor, address=address, action="edit",
                         target="directory verification")  # fmt: skip


def close_phrases(ctx: Any, phrase: str, state: str, limit: int = 3) -> list[str]:
    """What an AOR understands that is close to a phrase it does not ("Utha": Utah): states and
    regions, and counties of the office's state as an AOR names them, by the lookup's suggester
    (read-only), each kept only if the AOR reads it as one clause."""
    from fieldoffice.directory.phrases import PhraseResolver
    from fieldoffice.lookup.locate import suggester_of
    from fieldoffice.lookup.suggest import AREA, COUNTY, STATE

    suggester = suggester_of(ctx)
    resolver = ctx.memo("admin-aor-resolver", lambda: PhraseResolver(ctx.gazetteer, ctx.regions))
    usps = state.strip().upper() if state.strip().upper() in ctx.gazetteer.state_by_usps else None
    found = suggester.suggest(phrase, limit=8, kinds=frozenset({STATE, AREA}))
    if usps is not None:
        counties = suggester.suggest(phrase, usps, limit=8, kinds=frozenset({COUNTY}))
        found += [label.rsplit(", ", 1)[0] for label in counties]
    out: list[str] = []
    for name in found:
        res = resolver.resolve(name, state=usps)
        if res.ok and len(res.clauses) == 1 and name not in out:
            out.append(name)
    return out[:limit]
