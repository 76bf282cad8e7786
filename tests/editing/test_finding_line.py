"""The one line a lint finding is printed as (`lint.finding_line`): the lint command, ingest's
report and a refused publish (a finding's dict form) all print the same line."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

from fieldoffice.editing.diff import DirectoryDiff
from fieldoffice.editing.ingest import IngestReport
from fieldoffice.editing.lint import Finding, LintReport, finding_line

FINDINGS = [
    Finding("uncovered", "warning", "NV: 3 of 17 counties are in no office's AOR", 3),
    Finding("unresolved_clause", "error", "cannot resolve 'Atlantis'", 1),
    Finding("low_confidence", "note", "region 'Northern Nevada' has 2 low-confidence counties"),
]


def test_a_finding_is_one_line_with_severity_and_kind_in_columns() -> None:
    line = finding_line(FINDINGS[0])
    assert line == "  warning  uncovered            NV: 3 of 17 counties are in no office's AOR"
    assert finding_line(FINDINGS[2]).index("region") == line.index("NV:")


def test_the_dict_form_prints_the_same_line() -> None:
    for f in FINDINGS:
        assert finding_line(asdict(f)) == finding_line(f)
    assert finding_line({"message": "m"}) == "  " + " " * 7 + "  " + " " * 19 + "  m"


def test_ingest_prints_findings_as_lint_does() -> None:
    report = IngestReport([], DirectoryDiff({}, {}), "old: a\nnew: b\nno changes", FINDINGS)
    lines = report.lines()
    assert lines[0] == "old: a\nnew: b\nno changes"
    assert lines[1:] == [finding_line(f) for f in FINDINGS]


def test_the_lint_report_prints_findings_as_one_line_each() -> None:
    report = LintReport(str(Path("dir.toml")), 2, 3, FINDINGS)
    assert report.lines() == [
        "dir.toml: 2 offices, 3 counties",
        *(finding_line(f) for f in FINDINGS),
        "  1 errors, 1 warnings, 1 notes",
    ]
