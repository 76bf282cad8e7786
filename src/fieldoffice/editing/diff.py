"""What changed between two versions of a directory: offices, contacts, AOR text, notices, what
verify answers from (official domains, reported and listed contacts, guidance), counties."""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field, fields
from typing import Any

from fieldoffice.core.models import Directory
from fieldoffice.directory.territory import TerritoryMap

_NOT_CHANGES = ("old", "new", "counties_moved_total")  # the versions compared; a count


@dataclass
class DirectoryDiff:
    old: dict[str, str]
    new: dict[str, str]
    added: list[dict[str, str]] = field(default_factory=list)
    removed: list[dict[str, str]] = field(default_factory=list)
    renamed: list[dict[str, str]] = field(default_factory=list)
    moved_office: list[dict[str, str]] = field(default_factory=list)
    contacts: list[dict[str, Any]] = field(default_factory=list)
    aor_text: list[dict[str, str]] = field(default_factory=list)
    notices: list[dict[str, Any]] = field(default_factory=list)
    verification: list[dict[str, Any]] = field(default_factory=list)
    counties_moved: list[dict[str, Any]] = field(default_factory=list)
    counties_moved_total: int = 0

    @property
    def empty(self) -> bool:
        """Nothing changed: no kind of change lists anything. The one rule for "nothing changed"
        (the store's Review.unchanged defers to it); every field but the two labels and the
        total is a kind of change, so a kind added later counts without a word here."""
        return not any(getattr(self, f.name) for f in fields(self) if f.name not in _NOT_CHANGES)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _label(d: Directory) -> dict[str, str]:
    return {"path": d.path, "effective_date": d.effective_date.isoformat(), "title": d.title}


def diff_directories(
    old: Directory, new: Directory, old_t: TerritoryMap, new_t: TerritoryMap
) -> DirectoryDiff:
    out = DirectoryDiff(_label(old), _label(new))
    before = {o.id: o for o in old.offices}
    after = {o.id: o for o in new.offices}
    out.added = [{"id": i, "name": after[i].name} for i in after if i not in before]
    out.removed = [{"id": i, "name": before[i].name} for i in before if i not in after]
    for oid in (i for i in after if i in before):
        a, b = before[oid], after[oid]
        if a.name != b.name:
            out.renamed.append({"id": oid, "old": a.name, "new": b.name})
        if (a.city, a.state) != (b.city, b.state):
            out.moved_office.append(
                {"id": oid, "old": f"{a.city}, {a.state}", "new": f"{b.city}, {b.state}"}
            )
        for channel in ("phone", "email"):
            if getattr(a, channel) != getattr(b, channel):
                out.contacts.append(
                    {
                        "who": oid,
                        "channel": channel,
                        "old": getattr(a, channel),
                        "new": getattr(b, channel),
                    }
                )
        if a.aor != b.aor:
            out.aor_text.append({"id": oid, "old": a.aor, "new": b.aor})
    for channel in ("name", "phone", "email"):
        if getattr(old.media, channel) != getattr(new.media, channel):
            out.contacts.append(
                {
                    "who": "national media line",
                    "channel": channel,
                    "old": getattr(old.media, channel),
                    "new": getattr(new.media, channel),
                }
            )
    old_n = {n.id: n.text for n in old.notices}
    new_n = {n.id: n.text for n in new.notices}
    for nid in sorted(set(old_n) | set(new_n)):
        if old_n.get(nid) != new_n.get(nid):
            out.notices.append({"id": nid, "old": old_n.get(nid), "new": new_n.get(nid)})
    out.verification = _verification_changes(old, new)
    moves: Counter[tuple[str, str]] = Counter()
    examples: dict[tuple[str, str], list[str]] = {}
    for fips in old_t.all_counties:
        a_ids = "|".join(sorted(old_t.offices_of(fips))) or "(none)"
        b_ids = "|".join(sorted(new_t.offices_of(fips))) or "(none)"
        if a_ids != b_ids:
            moves[(a_ids, b_ids)] += 1
            examples.setdefault((a_ids, b_ids), []).append(fips)
    out.counties_moved = [
        {"from": a, "to": b, "count": n, "counties": examples[(a, b)]}
        for (a, b), n in moves.most_common()
    ]
    out.counties_moved_total = sum(moves.values())
    return out


def _listed(c: dict[str, Any]) -> str:
    return " ".join(str(c.get(k)) for k in ("name", "phone", "email") if c.get(k))


def _verification_changes(old: Directory, new: Directory) -> list[dict[str, Any]]:
    """Official domains, reported contacts and guidance: what verify answers from."""
    out: list[dict[str, Any]] = []
    for what, a, b in (
        ("official domain", set(old.official_domains), set(new.official_domains)),
        ("reported contact", {r.get("contact") for r in old.reported}, {r.get("contact") for r in new.reported}),
        ("listed contact", {_listed(c) for c in old.listed_contacts}, {_listed(c) for c in new.listed_contacts}),
    ):  # fmt: skip
        out += [{"what": what, "old": None, "new": x} for x in sorted(b - a, key=str)]
        out += [{"what": what, "old": x, "new": None} for x in sorted(a - b, key=str)]
    for lang in sorted(set(old.guidance) | set(new.guidance)):
        if old.guidance.get(lang) != new.guidance.get(lang):
            out.append({"what": f"guidance ({lang})", "old": old.guidance.get(lang),
                        "new": new.guidance.get(lang)})  # fmt: skip
    return out


def diff_text(d: DirectoryDiff, county_label: dict[str, str]) -> str:
    lines = [
        f"old: {d.old['path']} (effective {d.old['effective_date']})",
        f"new: {d.new['path']} (effective {d.new['effective_date']})",
    ]
    if d.empty:
        return "\n".join([*lines, "no changes"])
    for x in d.added:
        lines.append(f"+ office added: {x['id']} ({x['name']})")
    for x in d.removed:
        lines.append(f"- office removed: {x['id']} ({x['name']})")
    for x in d.renamed:
        lines.append(f"~ office renamed: {x['id']}: {x['old']!r} -> {x['new']!r}")
    for x in d.moved_office:
        lines.append(f"~ office moved: {x['id']}: {x['old']} -> {x['new']}")
    for x in d.contacts:
        lines.append(f"~ contact changed: {x['who']} {x['channel']}: {x['old']} -> {x['new']}")
    for x in d.aor_text:
        lines.append(f"~ AOR text changed: {x['id']}: {x['old']!r} -> {x['new']!r}")
    for x in d.notices:
        lines.append(f"~ notice changed: {x['id']}")
    for x in d.verification:
        if x["old"] is None:
            lines.append(f"+ {x['what']}: {x['new']}")
        elif x["new"] is None:
            lines.append(f"- {x['what']}: {x['old']}")
        else:
            lines.append(f"~ {x['what']} changed")
    if d.counties_moved:
        lines.append(f"counties moved: {d.counties_moved_total}")
        for m in d.counties_moved:
            shown = ", ".join(county_label[f] for f in m["counties"][:5])
            more = f", and {m['count'] - 5} more" if m["count"] > 5 else ""
            lines.append(f"  {m['count']:>4}  {m['from']} -> {m['to']}: {shown}{more}")
    return "\n".join(lines)
