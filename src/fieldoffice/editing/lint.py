"""Check a directory the way a linter checks code: gaps, overlaps, unresolved clauses and more.

Errors make the directory unusable (an unresolved clause, a duplicate id, a schema violation, a
reported contact that is also listed or cannot be read). Warnings are what the page really says
but a reader should know (counties nobody covers, counties claimed twice, regions that share
counties, an office with no way to reach it, words not translated, two offices of one name,
characters that look like others or show nothing). Notes are worth a look
(low-confidence regions, territories in several pieces). `finding_line` is how a finding is
printed, wherever it is printed.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

import jsonschema
import shapely

from fieldoffice.core.models import Claim, Directory, Region
from fieldoffice.directory.file import (
    build_directory,
    default_path,
    explain,
    read_raw,
    schema,
    where,
)
from fieldoffice.directory.territory import compile_territories_collecting
from fieldoffice.geo.gazetteer import Gazetteer
from fieldoffice.lookup.wording import LANGUAGES

Severity = Literal["error", "warning", "note"]
SEVERITY_ORDER = {"error": 0, "warning": 1, "note": 2}
# Pieces of a territory closer than this (degrees) count as touching: 1:10M shapes leave slivers.
CONTIGUITY_SLACK_DEG = 0.01


@dataclass
class Finding:
    kind: str
    severity: Severity
    message: str
    count: int = 0
    details: dict[str, Any] = field(default_factory=dict)


def finding_line(finding: Finding | Mapping[str, Any]) -> str:
    """A finding as the one line `lint`, `ingest` and a refused publish print: indented, the
    severity and the kind in columns, then the message. Takes a Finding or its dict form (as
    `LintReport.to_dict` and the store give it; a missing field prints empty)."""
    if isinstance(finding, Finding):
        severity, kind, message = finding.severity, finding.kind, finding.message
    else:
        severity, kind, message = (finding.get(k, "") for k in ("severity", "kind", "message"))
    return f"  {severity:<7}  {kind:<19}  {message}"


@dataclass
class LintReport:
    directory: str
    offices: int
    counties: int
    findings: list[Finding]

    def counts(self) -> dict[str, int]:
        c = Counter(f.severity for f in self.findings)
        return {s: c.get(s, 0) for s in ("error", "warning", "note")}

    def lines(self) -> list[str]:
        """The report as `fieldoffice lint` prints it: a heading, a line per finding, the counts."""
        counts = self.counts()
        return [
            f"{self.directory}: {self.offices} offices, {self.counties} counties",
            *(finding_line(f) for f in self.findings),
            f"  {counts['error']} errors, {counts['warning']} warnings, {counts['note']} notes",
        ]

    def exit_code(self, *, strict: bool) -> int:
        counts = self.counts()
        return 1 if counts["error"] or (strict and counts["warning"]) else 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "directory": self.directory,
            "offices": self.offices,
            "counties": self.counties,
            "summary": self.counts(),
            "findings": [asdict(f) for f in self.findings],
        }


def lint_file(path: Path | None, gaz: Gazetteer, regions: Mapping[str, Region]) -> LintReport:
    path = path or default_path()
    raw = read_raw(path)  # unreadable or unparseable files are an error the caller reports
    findings: list[Finding] = []
    validator = jsonschema.Draft202012Validator(schema())
    for e in sorted(validator.iter_errors(raw), key=lambda e: list(map(str, e.absolute_path))):
        findings.append(Finding("schema", "error", explain(e, raw), 1, {"field": where(e)}))
    offices_raw = raw.get("office", []) if isinstance(raw.get("office"), list) else []
    ids = Counter(o.get("id") for o in offices_raw if isinstance(o, dict))
    for oid, n in sorted((i, n) for i, n in ids.items() if n > 1):
        findings.append(
            Finding("duplicate_id", "error", f"office id {oid!r} is used {n} times", n, {"id": oid})
        )
    if any(f.severity == "error" for f in findings):
        return _report(path, len(offices_raw), gaz, findings)
    directory = build_directory(raw, path)
    findings += lint_directory(directory, gaz, regions)
    return _report(path, len(directory.offices), gaz, findings)


def _report(path: Path, offices: int, gaz: Gazetteer, findings: list[Finding]) -> LintReport:
    findings.sort(key=lambda f: (SEVERITY_ORDER[f.severity], f.kind, -f.count))
    return LintReport(str(path), offices, len(gaz.counties), findings)


def lint_directory(
    directory: Directory,
    gaz: Gazetteer,
    regions: Mapping[str, Region],
    languages: tuple[str, ...] = LANGUAGES,
) -> list[Finding]:
    """Every finding on a directory. `languages`: the languages its pages are served in (the
    site's, by default); the directory's own words are English."""
    findings: list[Finding] = []
    territories, errors = compile_territories_collecting(directory, gaz.counties, regions)
    by_county = territories.by_county
    failed = {(e.office_index, e.clause_index) for e in errors}
    used_regions = {
        clause.region
        for i, office in enumerate(directory.offices)
        for j, clause in enumerate(office.clauses)
        if clause.region and (i, j) not in failed
    }
    for i, office in enumerate(directory.offices):
        findings += [
            Finding(
                "unresolved_clause",
                "error",
                e.error.message,
                1,
                {"office": e.office_id, "phrase": e.phrase},
            )
            for e in errors
            if e.office_index == i
        ]
        if not (office.phone or office.email or directory.media.phone or directory.media.email):
            findings.append(
                Finding(
                    "no_contact",
                    "warning",
                    f"office {office.id!r} has no contact channel, and the directory has no national one",
                    1,
                    {"office": office.id},
                )
            )
    findings += _reported_but_listed(directory)
    findings += _lookalikes(directory)
    findings += _duplicate_names(directory)
    findings += _untranslated(directory, languages)
    findings += _uncovered(gaz, regions, by_county)
    findings += _overlaps(gaz, by_county)
    findings += _low_confidence(regions, used_regions)
    findings += _overlapping_regions(regions)
    findings += _not_contiguous(gaz, by_county)
    return findings


# characters that show nothing, or reorder what follows: zero-width spaces and joiners, the
# soft hyphen, word joiners, bidirectional marks, embeddings, overrides and isolates, the BOM
_INVISIBLE = re.compile("[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e\u200b-\u200f"
                        "\u202a-\u202e\u2060-\u206f\u3164\ufeff\uffa0]")  # fmt: skip


def _texts(directory: Directory) -> list[tuple[str, str]]:
    """Every text a reader sees or an answer quotes, with where it is."""
    out: list[tuple[str, str]] = []
    for o in directory.offices:
        for key in ("name", "city", "aor", "phone", "email"):
            value = getattr(o, key)
            if value:
                out.append((f"office {o.id!r}: {key}", value))
    for key in ("name", "phone", "email", "text", "about"):
        value = getattr(directory.media, key)
        if value:
            out.append((f"media: {key}", value))
    for key in ("organization", "unit", "title", "credit_line"):
        value = getattr(directory, key)
        if value:
            out.append((key, value))
    out += [(f"notice {n.id!r}", n.text) for n in directory.notices]
    out += [("official domain", d) for d in directory.official_domains]
    for c in directory.listed_contacts:
        out += [(f"contact {c.get('id')!r}: {k}", str(c[k])) for k in ("name", "phone", "email", "text") if c.get(k)]  # fmt: skip
    return out


def _lookalikes(directory: Directory) -> list[Finding]:
    """Text that is not what it looks like (Unicode TR39): characters of another script that
    look like Latin ones (a Cyrillic 'е' in 'Dеnver'), and characters that show nothing or
    reorder the text (zero-width, bidirectional controls). A reader, or a search, is misled."""
    from confusable_homoglyphs import confusables  # type: ignore[import-untyped]

    out = []
    for place, text in _texts(directory):
        hidden = sorted({f"U+{ord(c):04X}" for c in _INVISIBLE.findall(text)})
        if hidden:
            out.append(Finding("invisible_characters", "warning",
                               f"{place} holds characters that show nothing or reorder the text ({', '.join(hidden)})",
                               len(hidden), {"where": place, "characters": hidden}))  # fmt: skip
        found = confusables.is_confusable(text, greedy=True, preferred_aliases=["latin", "common"])
        if found:
            chars = sorted({f"{h['character']} (U+{ord(h['character']):04X}, {h['alias']})" for h in found})  # fmt: skip
            out.append(Finding("confusable_characters", "warning",
                               f"{place} holds characters that look like Latin letters but are not: {', '.join(chars)}",
                               len(chars), {"where": place, "characters": chars}))  # fmt: skip
    return out


def _duplicate_names(directory: Directory) -> list[Finding]:
    """Two offices a reader cannot tell apart by name (the same words, whatever the case,
    spacing or invisible characters)."""
    import unicodedata

    by_name: defaultdict[str, list[str]] = defaultdict(list)
    names: dict[str, str] = {}
    for o in directory.offices:
        key = " ".join(_INVISIBLE.sub("", unicodedata.normalize("NFKC", o.name)).casefold().split())
        by_name[key].append(o.id)
        names.setdefault(key, o.name)
    return [Finding("duplicate_name", "warning",
                    f"offices {', '.join(map(repr, ids))} have the same name, {names[key]!r}",
                    len(ids), {"offices": ids})
            for key, ids in by_name.items() if len(ids) > 1]  # fmt: skip


def _untranslated(directory: Directory, languages: tuple[str, ...]) -> list[Finding]:
    """A language the pages are served in whose readers would meet the directory's notices (the
    scam warning above all), or its media paragraph, in English only."""
    out = []
    for lang in languages:
        if lang == "en":
            continue
        t = directory.translations.get(lang)
        missing = []
        for n in directory.notices:
            if t is None or n.id not in t.notices:
                missing.append(f"notice {n.id!r}")
            elif n.summary and n.id not in t.summaries:
                missing.append(f"the short form of notice {n.id!r}")
        if directory.media.text and (t is None or not t.media_text):
            missing.append("the media paragraph (media.text)")
        if missing:
            out.append(
                Finding(
                    "untranslated",
                    "warning",
                    f"pages in '{lang}' show {', '.join(missing)} in English only: add "
                    f"[directory.translations.{lang}]",
                    len(missing),
                    {"language": lang, "missing": missing},
                )
            )
    return out


def _reported_but_listed(directory: Directory) -> list[Finding]:
    from fieldoffice.core.errors import InvalidInput
    from fieldoffice.verify import Verifier

    out = []
    verifier = Verifier(directory)
    listed = {c.value: c for c in verifier.channels}
    for r in directory.reported:
        try:
            _, value = verifier._normalize(r["contact"])
        except InvalidInput as exc:
            out.append(
                Finding(
                    "reported_unreadable",
                    "error",
                    f"reported contact {r['contact']!r}: {exc}",
                    1,
                    {"contact": r["contact"]},
                )
            )
            continue
        if value in listed:
            c = listed[value]
            out.append(Finding("reported_but_listed", "error",
                               f"{r['contact']!r} is on the reported list and is also the {c.channel} of {c.name}",
                               1, {"contact": r["contact"], "who": c.who}))  # fmt: skip
    return out


def _uncovered(
    gaz: Gazetteer, regions: Mapping[str, Region], by_county: Mapping[str, list[Claim]]
) -> list[Finding]:
    missing: dict[str, list[str]] = defaultdict(list)
    for c in gaz.counties:
        if c.fips not in by_county:
            missing[c.state].append(c.fips)
    out = []
    for state, fipses in sorted(missing.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        total = len(gaz.state_counties(state))
        in_regions = {
            r.name: sum(1 for f in fipses if f in r.counties)
            for r in regions.values()
            if r.state == state
        }
        in_regions = {k: v for k, v in in_regions.items() if v}
        covered = {r.name for r in regions.values() if r.state == state} - set(in_regions)
        if total == 1:
            msg = f"{state}: its only county is in no office's AOR"
        else:
            scope = f"all {total}" if len(fipses) == total else f"{len(fipses)} of {total}"
            msg = f"{state}: {scope} counties are in no office's AOR"
        if in_regions:
            msg += " (in " + ", ".join(f"'{k}': {v}" for k, v in sorted(in_regions.items())) + ")"
        elif covered:
            msg += " (outside " + ", ".join(f"'{k}'" for k in sorted(covered)) + ")"
        out.append(
            Finding(
                "uncovered",
                "warning",
                msg,
                len(fipses),
                {
                    "state": state,
                    "state_counties": total,
                    "regions": in_regions,
                    "counties": sorted(fipses),
                },
            )
        )
    return out


def _overlaps(gaz: Gazetteer, by_county: Mapping[str, list[Claim]]) -> list[Finding]:
    groups: dict[tuple[str, ...], list[str]] = defaultdict(list)
    phrases: dict[tuple[str, ...], set[tuple[str, str]]] = defaultdict(set)
    for fips, claims in by_county.items():
        ids = tuple(sorted({c.office_id for c in claims}))
        if len(ids) > 1:
            groups[ids].append(fips)
            phrases[ids] |= {(c.office_id, c.phrase) for c in claims}
    out = []
    for ids, fipses in sorted(groups.items(), key=lambda kv: -len(kv[1])):
        states = Counter(gaz.county_by_fips[f].state for f in fipses)
        who = ", ".join(f"{o} ('{p}')" for o, p in sorted(phrases[ids]))
        where = ", ".join(f"{s}: {n}" for s, n in sorted(states.items()))
        out.append(
            Finding(
                "overlap",
                "warning",
                f"{len(fipses)} counties are claimed by {len(ids)} offices: {who} [{where}]",
                len(fipses),
                {
                    "offices": list(ids),
                    "states": dict(states),
                    "counties": sorted(fipses),
                    "phrases": sorted({p for _, p in phrases[ids]}),
                },
            )
        )
    return out


def _low_confidence(regions: Mapping[str, Region], used: set[str]) -> list[Finding]:
    out = []
    for rid in sorted(used):
        low = sorted(f for f, (conf, _) in regions[rid].counties.items() if conf == "low")
        if low:
            notes = sorted({regions[rid].counties[f][1] or "" for f in low} - {""})
            out.append(
                Finding(
                    "low_confidence",
                    "note",
                    f"region '{regions[rid].name}' has {len(low)} low-confidence counties"
                    + (f": {'; '.join(notes)}" if notes else ""),
                    len(low),
                    {"region": rid, "counties": low},
                )
            )
    return out


def _overlapping_regions(regions: Mapping[str, Region]) -> list[Finding]:
    out = []
    items = sorted(regions.values(), key=lambda r: r.id)
    for i, a in enumerate(items):
        for b in items[i + 1 :]:
            both = sorted(set(a.counties) & set(b.counties))
            if both:
                out.append(
                    Finding(
                        "overlapping_regions",
                        "warning",
                        f"regions '{a.name}' and '{b.name}' share {len(both)} counties",
                        len(both),
                        {"regions": [a.id, b.id], "counties": both},
                    )
                )
    return out


def _not_contiguous(gaz: Gazetteer, by_county: Mapping[str, list[Claim]]) -> list[Finding]:
    """Offices whose territory falls apart into pieces that neither touch nor share an AOR phrase.

    The counties a single phrase names ("Hawaii", "Upstate New York/Buffalo") count as one piece,
    so islands do not make noise; what is left is a territory made of places far apart.
    """
    index = {c.fips: i for i, c in enumerate(gaz.counties)}
    tree = shapely.STRtree(gaz.polygons)
    left, right = tree.query(gaz.polygons, predicate="dwithin", distance=CONTIGUITY_SLACK_DEG)
    touching = set(zip(left.tolist(), right.tolist(), strict=True))
    members: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for fips, claims in by_county.items():
        for c in claims:
            members[c.office_id].append((index[fips], c.phrase))
    out = []
    for oid, nodes in sorted(members.items()):
        parent = {i: i for i, _ in nodes}
        find = _finder(parent)

        first_of_phrase: dict[str, int] = {}
        for i, phrase in nodes:
            parent[find(i)] = find(first_of_phrase.setdefault(phrase, i))
        for i, j in touching:
            if i in parent and j in parent:
                parent[find(i)] = find(j)
        roots = {find(i) for i, _ in nodes}
        if len(roots) > 1:
            groups: dict[int, set[str]] = defaultdict(set)
            for i, phrase in nodes:
                groups[find(i)].add(phrase)
            desc = "; ".join(
                ", ".join(f"'{p}'" for p in sorted(g)) for g in sorted(groups.values(), key=sorted)
            )
            out.append(
                Finding(
                    "not_contiguous",
                    "note",
                    f"office {oid!r}: territory is in {len(roots)} separate pieces: {desc}",
                    len(roots),
                    {"office": oid, "pieces": [sorted(g) for g in groups.values()]},
                )
            )
    return out


def _finder(parent: dict[int, int]) -> Callable[[int], int]:
    """Union-find root lookup with path halving over `parent`."""

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    return find
