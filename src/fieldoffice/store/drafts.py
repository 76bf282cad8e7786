"""The draft: the directory as editors are changing it. Each edit names the draft revision it
was based on (an ETag, `"draft-N"`); an edit based on an older revision is refused with what
changed since, never merged or overwritten. Every revision is kept, and every edit is audited
with its field-level changes."""

from __future__ import annotations

import copy
import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from fieldoffice.core.errors import (
    DataError,
    InvalidInput,
    NotFound,
    PreconditionRequired,
    StaleEdit,
)
from fieldoffice.store import audit, door
from fieldoffice.store.database import Database, now, utc
from fieldoffice.store.tables import DraftRevision

OFFICE_FIELDS = ("name", "city", "state", "aor", "phone", "email", "lat", "lon", "territory")
OPTIONAL_OFFICE_FIELDS = ("phone", "email", "lat", "lon")  # null (or "") removes them
# the parts of [directory] an editor may set, whole: each is checked against the schema
SECTIONS = ("title", "organization", "unit", "effective_date", "effective_date_note", "media",
            "credit_line", "notice", "notice_summary", "verification", "reported", "translations")  # fmt: skip
_ETAG = re.compile(r'^(?:W/)?"draft-(\d+)"$')


@dataclass(frozen=True)
class Draft:
    revision: int
    toml: str
    updated_at: str
    updated_by: str

    @property
    def etag(self) -> str:
        return etag_of(self.revision)

    @cached_property
    def raw(self) -> dict[str, Any]:
        return tomllib.loads(self.toml)


def etag_of(revision: int) -> str:
    return f'"draft-{revision}"'


def revision_of(etag: str | None) -> int | None:
    m = _ETAG.match((etag or "").strip())
    return int(m.group(1)) if m else None


def _draft(row: DraftRevision) -> Draft:
    return Draft(
        row.revision, row.toml, utc(row.created_at).isoformat(timespec="seconds"), row.created_by
    )


def _head(s: Session) -> DraftRevision:
    row = s.scalar(select(DraftRevision).order_by(DraftRevision.revision.desc()).limit(1))
    if row is None:
        raise NotFound("the store has no draft", hint="open it with `fieldoffice serve` or `fieldoffice db import FILE` first")  # fmt: skip
    return row


def current(db: Database) -> Draft:
    with db.transaction() as s:
        return _draft(_head(s))


def revision(db: Database, number: int) -> Draft:
    with db.transaction() as s:
        row = s.get(DraftRevision, number)
        if row is None:
            raise NotFound(f"the draft has no revision {number}")
        return _draft(row)


def field_changes(old: dict[str, Any], new: dict[str, Any]) -> list[dict[str, Any]]:
    """What differs between two directories, field by field: offices by id, then each part of
    [directory]: [{"where": "office denver: name", "old": ..., "new": ...}, ...]."""
    out: list[dict[str, Any]] = []
    before = {o["id"]: o for o in old.get("office", [])}
    after = {o["id"]: o for o in new.get("office", [])}
    for oid in [*before, *(i for i in after if i not in before)]:
        a, b = before.get(oid), after.get(oid)
        if a is None or b is None:
            out.append(
                {"where": f"office {oid}", "old": a and a.get("name"), "new": b and b.get("name")}
            )
            continue
        for k in sorted(set(a) | set(b)):
            if a.get(k) != b.get(k):
                out.append({"where": f"office {oid}: {k}", "old": a.get(k), "new": b.get(k)})
    if [o["id"] for o in old.get("office", [])] != [
        o["id"] for o in new.get("office", [])
    ] and not out:
        out.append({"where": "office order", "old": list(before), "new": list(after)})
    d0, d1 = old.get("directory", {}), new.get("directory", {})
    for k in sorted(set(d0) | set(d1)):
        if d0.get(k) != d1.get(k):
            out.append({"where": f"directory: {k}", "old": d0.get(k), "new": d1.get(k)})
    return out


def territory_for(aor: str, state: str) -> tuple[list[dict[str, Any]], list[str]]:
    """The territory clauses an AOR text resolves to (as the directory file writes them), and
    the phrases it could not resolve; each of those is kept as a clause with no counties, which
    lint reports as an error until an editor fixes the words."""
    from fieldoffice.directory.context import shared_gazetteer, shared_regions
    from fieldoffice.directory.phrases import PhraseResolver

    res = PhraseResolver(shared_gazetteer(), shared_regions()[1]).resolve(aor, state=state)
    clauses: list[dict[str, Any]] = [
        {k: v for k, v in (("phrase", c.phrase), ("state", c.state), ("region", c.region),
                           ("counties", list(c.counties) or None)) if v}
        for c in res.clauses
    ]  # fmt: skip
    clauses += [{"phrase": u, "counties": []} for u in res.unresolved]
    return clauses or [{"phrase": aor.strip() or "(empty)", "counties": []}], list(res.unresolved)


def _check(raw: dict[str, Any]) -> None:
    """The draft must stay a directory the product can read: the schema, then what the schema
    cannot say (an office's state is a real USPS code: 'XX' has the right shape only)."""
    from fieldoffice.directory.context import shared_gazetteer
    from fieldoffice.directory.file import build_directory, validate

    try:
        validate(raw, Path("the draft"))
        build_directory(raw, Path("the draft"))
    except DataError as exc:
        raise InvalidInput(exc.message, hint=exc.hint) from exc
    gaz = shared_gazetteer()
    for o in raw["office"]:
        st = gaz.state(o["state"])
        if st is None or st.usps != o["state"]:
            raise InvalidInput(f"office {o['id']!r}: {o['state']!r} is not the code of a US state or territory",
                               hint="write the office's state as its USPS code, such as 'CO'")  # fmt: skip


def stale_error(s: Session, head: DraftRevision, base: int) -> StaleEdit:
    """The refusal of an edit based on revision `base`: what changed since, and by whom; or,
    for a revision the draft has not reached (a guessed or mistyped ETag), that it never was."""
    if not 1 <= base <= head.revision:
        return StaleEdit(
            f"{etag_of(base)} is not a revision this draft has had (it is at revision "
            f"{head.revision}): GET the draft for its ETag",
            code="unknown_revision", details={"current_etag": etag_of(head.revision)},
        )  # fmt: skip
    then = s.get(DraftRevision, base)
    since = list(s.scalars(select(DraftRevision).where(DraftRevision.revision > base)
                           .order_by(DraftRevision.revision)))  # fmt: skip
    changes = field_changes(tomllib.loads(then.toml), tomllib.loads(head.toml)) if then else []
    who = sorted({r.created_by for r in since})
    wheres = "; ".join(c["where"] for c in changes[:5]) + ("; ..." if len(changes) > 5 else "")
    return StaleEdit(
        f"the draft changed since you loaded it (revision {base}, now {head.revision}, by {', '.join(who) or 'someone'}): {wheres or 'no field differs'}",
        hint="load the draft again, check what changed, and make your edit on it",
        details={"current_etag": etag_of(head.revision), "changes": changes,
                 "revisions": [{"revision": r.revision, "by": r.created_by, "what": r.what,
                                "at": utc(r.created_at).isoformat(timespec="seconds")} for r in since]},
    )  # fmt: skip


def change(db: Database, mutate: Callable[[dict[str, Any]], None], *, base: str | None, actor: str,
           address: str, action: str, target: str) -> Draft:  # fmt: skip
    """Apply `mutate` to a copy of the draft based on revision `base` (an ETag), check it, and
    store it as the next revision with its audit entry. A stale `base` raises StaleEdit; an edit
    that changes nothing stores nothing."""
    wanted = revision_of(base)
    if base is None:
        raise PreconditionRequired("an edit must say which draft it is based on",
                                   hint="send If-Match with the draft's ETag (GET /api/v1/admin/draft)")  # fmt: skip
    if wanted is None:
        raise InvalidInput(f"If-Match {base[:40]!r} is not a draft ETag", hint='it looks like "draft-12"')  # fmt: skip
    try:
        with db.transaction() as s:
            head = _head(s)
            if wanted != head.revision:
                raise stale_error(s, head, wanted)
            raw = tomllib.loads(head.toml)
            old = copy.deepcopy(raw)
            mutate(raw)
            door.check_changed(old, raw)  # (first: cheap, and it bounds what _check reads)
            _check(raw)
            changes = field_changes(old, raw)
            if not changes:
                return _draft(head)
            import tomli_w

            row = DraftRevision(revision=head.revision + 1, toml=tomli_w.dumps(raw), created_at=now(),
                                created_by=actor, what="; ".join(c["where"] for c in changes)[:2000])  # fmt: skip
            s.add(row)
            s.flush()
            audit.record(s, actor=actor, address=address, action=action, target=target,
                         detail={"base": head.revision, "revision": row.revision, "changes": changes})  # fmt: skip
            return _draft(row)
    except IntegrityError:  # another edit took that revision number first
        with db.transaction() as s:
            raise stale_error(s, _head(s), wanted) from None


def edit_office(db: Database, office_id: str, fields: dict[str, Any], *, base: str | None,
                actor: str, address: str) -> Draft:  # fmt: skip
    """Change an office's fields. A new `aor` without `territory` is resolved into clauses
    (territory_for); phrases it cannot resolve stay in the draft for lint to name."""
    unknown = sorted(set(fields) - set(OFFICE_FIELDS))
    if unknown:
        raise InvalidInput(f"an office has no field {', '.join(map(repr, unknown))}",
                           hint=f"the fields are {', '.join(OFFICE_FIELDS)}")  # fmt: skip

    def mutate(raw: dict[str, Any]) -> None:
        office = next((o for o in raw["office"] if o["id"] == office_id), None)
        if office is None:
            raise NotFound(f"the draft has no office {office_id!r}", hint="GET /api/v1/admin/draft lists them")  # fmt: skip
        old_aor = office.get("aor")
        for k, v in fields.items():
            if k in OPTIONAL_OFFICE_FIELDS and v in (None, ""):
                office.pop(k, None)
            elif isinstance(v, str):
                office[k] = v.strip()
            else:
                office[k] = v
        if "territory" not in fields and office["aor"] != old_aor:  # (curated clauses stay)
            office["territory"] = territory_for(office["aor"], office["state"])[0]

    return change(db, mutate, base=base, actor=actor, address=address, action="edit",
                  target=f"office {office_id}")  # fmt: skip


def edit_directory(db: Database, section: str, value: Any, *, base: str | None, actor: str,
                   address: str) -> Draft:  # fmt: skip
    """Set one part of [directory] whole (the media block, the notices, the verification lists,
    the credit line, the translations...); None removes an optional part."""
    if section not in SECTIONS:
        raise InvalidInput(f"the directory has no part {section!r} an editor can set",
                           hint=f"the parts are {', '.join(SECTIONS)}")  # fmt: skip

    def mutate(raw: dict[str, Any]) -> None:
        if value is None:
            raw["directory"].pop(section, None)
        else:
            raw["directory"][section] = value

    return change(db, mutate, base=base, actor=actor, address=address, action="edit",
                  target=f"directory {section}")  # fmt: skip


def replace(db: Database, text: str, *, base: str | None, actor: str, address: str,
            action: str = "upload", keep_text: bool = False) -> Draft:  # fmt: skip
    """Make a whole directory the draft (an ingested page, an imported file). With `keep_text`
    the TOML is kept byte for byte (an import round-trips exactly)."""
    try:
        new = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InvalidInput(f"not a valid directory file: {exc}", hint="fix the TOML at the line shown") from exc  # fmt: skip
    _check(new)

    def mutate(raw: dict[str, Any]) -> None:
        raw.clear()
        raw.update(copy.deepcopy(new))

    draft = change(db, mutate, base=base, actor=actor, address=address, action=action,
                   target="directory")  # fmt: skip
    if keep_text and draft.toml != text:
        with db.transaction() as s:
            row = s.get(DraftRevision, draft.revision)
            if row is not None and tomllib.loads(row.toml) == new:
                row.toml = text  # the same directory, in the file's own words and comments
                draft = _draft(row)
    return draft
