"""What reading a page found, in the words the command line and the admin pages show: each
problem as one line, the report with its changes and lint findings, and why a commit is refused."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fieldoffice.core.models import Directory
from fieldoffice.editing.diff import DirectoryDiff
from fieldoffice.editing.lint import Finding, finding_line

OFFICE_SHAPE = "an office is 'NAME Office', 'CITY,', 'ST', 'AOR: ...', each its own block"
LISTED = 20  # problems of one kind named one per line in a refusal; the rest are counted


@dataclass
class Problem:
    where: str
    text: str
    message: str
    kind: str = "unresolved"  # an AOR phrase; "unreadable": a block not read; "duplicate": an id
    position: str = ""  # "line 9, block 71" of a text page, "text block 71" of an HTML page

    def line(self) -> str:
        at = f" ({self.position})" if self.position and self.position not in self.where else ""
        return f"{self.kind}: {self.where}{at}: {self.text!r}: {self.message}"


@dataclass
class Ingested:
    raw: dict[str, Any]  # the directory file's contents (schema fieldoffice-directory/1)
    problems: list[Problem] = field(default_factory=list)


@dataclass
class IngestReport:
    """What `ingest_page` found and did: problems, or the changes, the lint findings and the file.

    `refusals` says, one line each, why a commit is (or would be) refused: problems, unreadable
    blocks not acknowledged, offices removed without --allow-removals; `needs` the flags that
    would acknowledge them."""

    problems: list[Problem]
    changes: DirectoryDiff | None = None
    diff_text: str = ""
    findings: list[Finding] = field(default_factory=list)
    written: Path | None = None  # the file written, when committed
    raw: dict[str, Any] | None = None  # the new directory file's contents
    refusals: list[str] = field(default_factory=list)
    needs: list[str] = field(default_factory=list)

    @property
    def unresolved(self) -> list[Problem]:
        """Problems no flag can acknowledge: the directory itself would be wrong."""
        return [p for p in self.problems if p.kind != "unreadable"]

    @property
    def unreadable(self) -> list[Problem]:
        return [p for p in self.problems if p.kind == "unreadable"]

    def lines(self) -> list[str]:
        """The report as the command line prints it."""
        if self.unresolved or self.changes is None:
            return [
                *(p.line() for p in self.problems),
                f"{len(self.problems)} problems: nothing written. Fix the page or the regions, then run again.",
            ]
        out = [self.diff_text, *(finding_line(f) for f in self.findings)]
        out += [p.line() for p in self.unreadable]
        if self.unreadable:
            out.append(f"{plural(len(self.unreadable), 'block')} that look like part of an office could not be read ({OFFICE_SHAPE}); the offices they belong to are left out")  # fmt: skip
        if self.needs:
            out.append("a commit needs " + " and ".join(self.needs))
        return out


def judge(
    report: IngestReport, current: Directory, allow_removals: bool, allow_unreadable: bool
) -> None:
    """Fill `refusals` and `needs`: what stops a commit, given the flags."""
    out, needs = report.refusals, report.needs

    def listed(lines: list[str], what: str) -> None:
        out.extend(lines[:LISTED])
        if len(lines) > LISTED:
            out.append(f"... and {len(lines) - LISTED:,} more {what} (listed above)")

    if report.unresolved or report.changes is None:
        listed([p.line() for p in report.problems], "problems")
        out.append(
            f"{plural(len(report.problems), 'problem')}: fix the page or the regions, then run again"
        )
        return
    if report.unreadable and not allow_unreadable:
        listed([p.line() for p in report.unreadable], "unreadable blocks")
        needs.append(f"--allow-unreadable ({plural(len(report.unreadable), 'block')} that look like part of an office left out)")  # fmt: skip
    removed = report.changes.removed
    have = len(report.raw["office"]) if report.raw else 0
    before = len(current.offices)
    if (removed or 2 * have < before) and not allow_removals:
        out.extend(f"would remove office {x['id']!r} ({x['name']}) of the current directory" for x in removed)  # fmt: skip
        if 2 * have < before:
            out.append(f"the page yields {plural(have, 'office')}, fewer than half of the {before} in the current directory")  # fmt: skip
        needs.append(
            f"--allow-removals ({plural(len(removed), 'office')} of the current directory removed)"
        )
    if needs:
        out.append("nothing written: add " + " and ".join(needs) + " to commit anyway")


def plural(count: int, noun: str) -> str:
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


def clip(text: str, n: int = 120) -> str:
    """`text` on one line, cut to `n` characters (a block can be megabytes long)."""
    text = " ".join(text[: n * 4].split())
    return text if len(text) <= n else text[: n - 1] + "…"
