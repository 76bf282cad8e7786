"""Published versions: immutable, dated, each with what it changed. Publishing checks the
draft (no lint errors; warnings acknowledged) and stores it as the next version; a rollback
publishes an earlier version's content again. The version in force on a date is the newest one
published (its effective date) on or before it."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fieldoffice.core.errors import Conflict, DataError, InvalidInput, NotFound
from fieldoffice.store import audit, drafts, summary
from fieldoffice.store.database import Database, now, utc
from fieldoffice.store.tables import DraftRevision, Version

log = logging.getLogger("fieldoffice.store")


@dataclass(frozen=True)
class VersionInfo:
    id: int
    published_at: str  # ISO 8601, UTC
    published_by: str
    effective_date: str
    sha256: str
    rollback_of: int | None
    changes: dict[str, Any] = field(repr=False)

    def summary(self, lang: str = "en") -> list[str]:
        return summary.sentences(self.changes, lang)

    def to_dict(self, lang: str = "en") -> dict[str, Any]:
        return {"id": self.id, "published_at": self.published_at, "published_by": self.published_by,
                "effective_date": self.effective_date, "sha256": self.sha256,
                "rollback_of": self.rollback_of, "summary": self.summary(lang)}  # fmt: skip


def _info(v: Version) -> VersionInfo:
    return VersionInfo(v.id, utc(v.published_at).isoformat(timespec="seconds"), v.published_by,
                       v.effective_date, v.sha256, v.rollback_of, json.loads(v.changes))  # fmt: skip


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def file_text(path: Path) -> tuple[str, dict[str, Any]]:
    """A directory file as the store keeps it: TOML text (JSON is converted), checked."""
    import tomli_w

    from fieldoffice.directory.file import build_directory, decode, parse, read_bytes, validate

    text = decode(read_bytes(path), path)
    raw = parse(text, path)
    validate(raw, path)
    build_directory(raw, path)
    return (tomli_w.dumps(raw) if path.suffix == ".json" else text), raw


def current_version(db: Database) -> Version | None:
    with db.transaction() as s:
        return s.scalar(select(Version).order_by(Version.id.desc()).limit(1))


def latest_id(db: Database) -> int | None:
    """The newest version's id (what a server polls to notice a publish)."""
    with db.transaction() as s:
        return s.scalar(select(func.max(Version.id)))


def versions(db: Database) -> list[VersionInfo]:
    with db.transaction() as s:
        return [_info(v) for v in s.scalars(select(Version).order_by(Version.id.desc()))]


MAX_ID = 2**31 - 1  # the largest id a version can have (an INTEGER column on PostgreSQL)


def get(db: Database, version_id: int) -> tuple[VersionInfo, str]:
    if not 1 <= version_id <= MAX_ID:  # (asked of the database, it would overflow its type)
        raise NotFound(f"there is no version {str(version_id)[:30]}",
                       hint="version numbers are whole numbers from 1; GET /api/v1/versions lists them")  # fmt: skip
    with db.transaction() as s:
        v = s.get(Version, version_id)
        if v is None:
            raise NotFound(f"there is no version {version_id}", hint="GET /api/v1/versions lists them")  # fmt: skip
        return _info(v), v.toml


def in_force(db: Database, day: dt.date) -> tuple[VersionInfo, str]:
    with db.transaction() as s:
        v = s.scalar(select(Version).where(Version.effective_date <= day.isoformat())
                     .order_by(Version.effective_date.desc(), Version.id.desc()).limit(1))  # fmt: skip
        if v is None:
            first = s.scalar(select(func.min(Version.effective_date)))
            raise NotFound(f"no version of the directory was in force on {day.isoformat()}",
                           hint=f"the first took effect on {first}" if first else None)  # fmt: skip
        return _info(v), v.toml


# -- what a publish would do ------------------------------------------------------------------
@dataclass
class Review:
    """The draft against the published version: lint findings and what would change."""

    draft: drafts.Draft
    published_id: int | None
    errors: list[dict[str, Any]]
    warnings: list[dict[str, Any]]
    changes: dict[str, Any]

    @property
    def unchanged(self) -> bool:
        """Nothing would change: no difference the diff counts (DirectoryDiff.empty decides),
        and no field of the file edited."""
        from dataclasses import fields

        from fieldoffice.editing.diff import DirectoryDiff

        kinds = {f.name for f in fields(DirectoryDiff)} - {"old", "new"}
        found = DirectoryDiff({}, {}, **{k: v for k, v in self.changes.items() if k in kinds})
        return found.empty and not self.changes.get("fields")

    def summary(self, lang: str = "en") -> list[str]:
        return summary.sentences(self.changes, lang)

    def to_dict(self) -> dict[str, Any]:
        return {"draft_etag": self.draft.etag, "published_version": self.published_id,
                "errors": self.errors, "warnings": self.warnings, "summary": self.summary(),
                "changes": self.changes}  # fmt: skip


def compare(old_toml: str | None, new_toml: str) -> dict[str, Any]:
    """The diff between two directories' texts, as data (diff.py's, plus names and fields)."""
    from fieldoffice.directory.context import shared_gazetteer, shared_regions
    from fieldoffice.directory.file import build_directory
    from fieldoffice.directory.territory import compile_territories_collecting
    from fieldoffice.editing.diff import diff_directories

    new_raw = tomllib.loads(new_toml)
    if old_toml is None:
        return {"first": True, "offices": len(new_raw["office"])}
    old_raw = tomllib.loads(old_toml)
    gaz, regions = shared_gazetteer(), shared_regions()[1]
    a = build_directory(old_raw, Path("published"))
    b = build_directory(new_raw, Path("draft"))
    ta, _ = compile_territories_collecting(a, gaz.counties, regions)
    tb, _ = compile_territories_collecting(b, gaz.counties, regions)
    out = diff_directories(a, b, ta, tb).to_dict()
    out.pop("old", None)
    out.pop("new", None)
    out["names"] = {o.id: o.name for o in (*a.offices, *b.offices)}
    out["fields"] = drafts.field_changes(old_raw, new_raw)
    return out


def findings(toml: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Lint's errors and warnings on a directory's text."""
    from dataclasses import asdict

    from fieldoffice.directory.context import shared_gazetteer, shared_regions
    from fieldoffice.directory.file import build_directory
    from fieldoffice.editing.lint import lint_directory

    d = build_directory(tomllib.loads(toml), Path("the draft"))
    found = [asdict(f) for f in lint_directory(d, shared_gazetteer(), shared_regions()[1])]
    return ([f for f in found if f["severity"] == "error"],
            [f for f in found if f["severity"] == "warning"])  # fmt: skip


def review(db: Database) -> Review:
    draft = drafts.current(db)
    published = current_version(db)
    errors, warnings = findings(draft.toml)
    return Review(draft, published.id if published else None, errors, warnings,
                  compare(published.toml if published else None, draft.toml))  # fmt: skip


def _add(s: Session, toml: str, *, actor: str, address: str, action: str, changes: dict[str, Any],
         effective: str, rollback_of: int | None = None) -> Version:  # fmt: skip
    v = Version(published_at=now(), published_by=actor, effective_date=effective, toml=toml,
                sha256=_sha(toml), changes=json.dumps(changes, ensure_ascii=False, default=str),
                rollback_of=rollback_of)  # fmt: skip
    s.add(v)
    s.flush()
    audit.record(s, actor=actor, address=address, action=action, target=f"version {v.id}",
                 version=v.id, detail={"summary": summary.sentences(changes), "sha256": v.sha256,
                                       "rollback_of": rollback_of})  # fmt: skip
    return v


def publish(db: Database, *, actor: str, address: str, acknowledge_warnings: bool,
            base: str | None = None) -> VersionInfo:  # fmt: skip
    """Publish the draft (as of `base`, when given): refused with the findings (409) while lint
    finds errors, or warnings not acknowledged; refused when nothing changed."""
    r = review(db)
    if base is not None and drafts.revision_of(base) != r.draft.revision:
        with db.transaction() as s:
            head = s.scalar(select(DraftRevision).order_by(DraftRevision.revision.desc()).limit(1))
            assert head is not None
            raise drafts.stale_error(s, head, drafts.revision_of(base) or 0)
    if r.errors:
        raise Conflict(f"lint finds {len(r.errors)} error(s) in the draft: {r.errors[0]['message']}",
                       code="lint_errors", hint="fix them in the draft, then publish",
                       details={"errors": r.errors, "warnings": r.warnings})  # fmt: skip
    if r.warnings and not acknowledge_warnings:
        raise Conflict(f"lint finds {len(r.warnings)} warning(s) in the draft; a publisher must acknowledge them",
                       code="warnings_not_acknowledged",
                       hint="read them, then publish with acknowledge_warnings (the form's checkbox)",
                       details={"errors": [], "warnings": r.warnings})  # fmt: skip
    if r.unchanged:
        raise Conflict("the draft is the published version: nothing to publish", code="nothing_to_publish",
                       hint="edit the draft first")  # fmt: skip
    with db.locked() as s:  # one publish or rollback at a time, across processes
        head = s.scalar(select(DraftRevision).order_by(DraftRevision.revision.desc()).limit(1))
        if head is None or head.revision != r.draft.revision:  # edited while being reviewed
            raise drafts.stale_error(s, head, r.draft.revision) if head else NotFound("no draft")
        current = s.scalar(select(Version).order_by(Version.id.desc()).limit(1))
        if current is not None and current.sha256 == _sha(r.draft.toml):
            raise Conflict(f"the draft is the published version (version {current.id}): nothing to publish",
                           code="nothing_to_publish", hint="edit the draft first")  # fmt: skip
        if (current.id if current else None) != r.published_id:  # published meanwhile
            raise Conflict(f"version {current.id if current else 0} was published while this one was being checked",
                           code="published_meanwhile", hint="review the draft again, then publish")  # fmt: skip
        v = _add(s, r.draft.toml, actor=actor, address=address, action="publish",
                 changes={**r.changes, "draft_revision": r.draft.revision},
                 effective=now().date().isoformat())  # fmt: skip
        info = _info(v)
    _announce(db, info.id)  # committed: other instances load it now (NOTIFY; SQLite: they poll)
    return info


def rollback(db: Database, version_id: int, *, actor: str, address: str) -> VersionInfo:
    """Publish version `version_id`'s content again, as a new version. A draft with no edits
    of its own follows it; a draft with unpublished edits is left as it is. Refused (409) when
    that content is the one in force; one publish or rollback at a time, across processes."""
    _, toml = get(db, version_id)
    seen = current_version(db)
    changes = compare(seen.toml if seen else None, toml)  # (the slow part, before the lock)
    with db.locked() as s:
        current = s.scalar(select(Version).order_by(Version.id.desc()).limit(1))
        if current is not None and current.sha256 == _sha(toml):
            said = "is the one in force" if current.id == version_id else f"is the content of version {current.id}, the one in force"  # fmt: skip
            raise Conflict(f"version {version_id} {said}: rolling back to it would change nothing",
                           code="nothing_to_publish", hint="choose an earlier version with other content")  # fmt: skip
        if current is not None and (seen is None or seen.id != current.id):
            changes = compare(current.toml, toml)  # published meanwhile: compared again
        head = s.scalar(select(DraftRevision).order_by(DraftRevision.revision.desc()).limit(1))
        v = _add(s, toml, actor=actor, address=address, action="rollback",
                 changes={**changes, "rollback_of": version_id},
                 effective=now().date().isoformat(), rollback_of=version_id)  # fmt: skip
        if head is not None and current is not None and head.toml == current.toml:
            s.add(DraftRevision(revision=head.revision + 1, toml=toml, created_at=now(),
                                created_by=actor, what=f"rollback to version {version_id}"))  # fmt: skip
        info = _info(v)
    _announce(db, info.id)
    return info


def import_version(db: Database, path: Path, *, actor: str, address: str, action: str) -> VersionInfo:  # fmt: skip
    """Publish a directory file as it is (the store's first versions, at seeding): its effective
    date is the file's own; the draft becomes it."""
    try:
        text, raw = file_text(path)
    except DataError:
        raise
    except OSError as exc:
        raise InvalidInput(f"cannot read {path}: {exc.strerror}") from exc
    effective = str(raw["directory"]["effective_date"])
    with db.locked() as s:
        current = s.scalar(select(Version).order_by(Version.id.desc()).limit(1))
        changes = compare(current.toml if current else None, text)
        v = _add(s, text, actor=actor, address=address, action=action, changes=changes,
                 effective=effective)  # fmt: skip
        head = s.scalar(select(func.max(DraftRevision.revision))) or 0
        s.add(DraftRevision(revision=head + 1, toml=text, created_at=now(), created_by=actor,
                            what=f"{action} {path.name}"))  # fmt: skip
        info = _info(v)
    _announce(db, info.id)
    return info


def _announce(db: Database, version_id: int) -> None:
    """Tell every serving process of a committed publish (notify.announce: NOTIFY on
    PostgreSQL, nothing on SQLite, whose servers poll). The publish stands if this fails: the
    others find it by polling, and the miss is logged."""
    from fieldoffice.store.notify import announce

    try:
        announce(db, version_id)
    except Exception as exc:
        log.warning("could not announce version %s (%s); other processes will poll",
                    version_id, type(exc).__name__)  # fmt: skip
