"""Ingest's report in words (`ingest.report`): a problem's line, and a refusal that names the
first problems one per line and counts the rest."""

from __future__ import annotations

from fieldoffice.core.models import Directory
from fieldoffice.directory.context import Context
from fieldoffice.editing.ingest.report import LISTED, IngestReport, Problem, judge


def test_a_problem_line_names_its_position_once() -> None:
    p = Problem("office 'Reno Office' under Nevada", "Atlantis", "cannot resolve", "unresolved", "line 9, block 71")  # fmt: skip
    assert p.line() == "unresolved: office 'Reno Office' under Nevada (line 9, block 71): 'Atlantis': cannot resolve"  # fmt: skip
    q = Problem("text block 7 under Nevada", "Reno,", "looks like part of an office", "unreadable", "text block 7")  # fmt: skip
    assert q.line() == "unreadable: text block 7 under Nevada: 'Reno,': looks like part of an office"  # fmt: skip


def test_a_refusal_lists_the_first_problems_and_counts_the_rest(ctx: Context) -> None:
    problems = [Problem(f"office {i}", "x", "cannot resolve") for i in range(LISTED + 5)]
    report = IngestReport(problems)
    current: Directory = ctx.directory
    judge(report, current, allow_removals=False, allow_unreadable=False)
    assert report.refusals[:LISTED] == [p.line() for p in problems[:LISTED]]
    assert report.refusals[LISTED:] == [
        "... and 5 more problems (listed above)",
        f"{LISTED + 5} problems: fix the page or the regions, then run again",
    ]
    assert report.lines()[-1] == f"{LISTED + 5} problems: nothing written. Fix the page or the regions, then run again."  # fmt: skip
