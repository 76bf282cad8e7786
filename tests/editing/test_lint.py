"""`fieldoffice lint`: every finding kind on small directories, and the exact findings on the shipped one."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from fieldoffice.directory.context import Context
from fieldoffice.editing.lint import LintReport, lint_file
from tests.cli.test_commands import run
from tests.directories import office, write

STATES = ["RI", "CT", "MA", "NH", "VT", "ME"]


def lint(ctx: Context, path: Path | None) -> LintReport:
    return lint_file(path, ctx.gazetteer, ctx.regions)


def kinds(report: LintReport) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for f in report.findings:
        out.setdefault(f.kind, []).append(f.severity)
    return out


def test_shipped_directory_findings_are_exactly_the_pages_gaps_and_overlap(ctx: Context) -> None:
    report = lint(ctx, None)
    warnings = [f for f in report.findings if f.severity == "warning"]
    assert report.counts()["error"] == 0
    overlap = [f for f in warnings if f.kind == "overlap"]
    assert len(overlap) == 1
    assert overlap[0].details["offices"] == ["miami", "tampa"] and overlap[0].count == 67
    assert overlap[0].details["states"] == {"FL": 67}
    uncovered = {f.details["state"]: f.count for f in warnings if f.kind == "uncovered"}
    assert uncovered == {"VA": 124, "PR": 78, "VI": 3, "GU": 1, "MP": 4, "AS": 3}
    assert len(warnings) == 7
    assert report.exit_code(strict=False) == 0 and report.exit_code(strict=True) == 1


def test_shipped_notes_low_confidence_and_pieces(ctx: Context) -> None:
    notes = [f for f in lint(ctx, None).findings if f.severity == "note"]
    low = {f.details["region"]: f.count for f in notes if f.kind == "low_confidence"}
    assert low == {"southern-nevada": 3, "northern-nevada": 8}
    pieces = {f.details["office"] for f in notes if f.kind == "not_contiguous"}
    assert pieces == {"laguna-niguel", "seattle", "detroit"}


def test_gaps_are_grouped_by_state_with_their_regions(ctx: Context, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        office("a", '{ phrase = "Rhode Island", state = "RI" }'),
        office("b", '{ phrase = "North Texas", region = "north-texas" }'),
    )
    report = lint(ctx, path)
    tx = next(f for f in report.findings if f.kind == "uncovered" and f.details["state"] == "TX")
    assert tx.count == 126
    assert tx.details["regions"] == {
        "West Texas": 18,
        "Houston and Corpus Christi": 54,
        "South Texas / Rio Grande Valley": 54,
    }
    assert tx.severity == "warning"


def test_overlap_names_offices_and_phrases(ctx: Context, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        office("a", '{ phrase = "Little Rhody", state = "RI" }'),
        office("b", '{ phrase = "Ocean State", state = "RI" }'),
    )
    (f,) = [f for f in lint(ctx, path).findings if f.kind == "overlap"]
    assert f.details["offices"] == ["a", "b"] and f.count == 5
    assert "Little Rhody" in f.message and "Ocean State" in f.message


def test_unresolved_clause_is_an_error(ctx: Context, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        office(
            "a",
            '{ phrase = "Rhode Island", state = "RI" }',
            '{ phrase = "Southern Oregon", region = "southern-oregon" }',
        ),
    )
    report = lint(ctx, path)
    errors = [f for f in report.findings if f.severity == "error"]
    assert [f.kind for f in errors] == ["unresolved_clause"]
    assert errors[0].details == {"office": "a", "phrase": "Southern Oregon"}
    assert report.exit_code(strict=False) == 1


def test_duplicate_id_is_an_error(ctx: Context, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        office("a", '{ phrase = "RI", state = "RI" }'),
        office("a", '{ phrase = "CT", state = "CT" }'),
    )
    report = lint(ctx, path)
    assert kinds(report)["duplicate_id"] == ["error"]
    assert report.exit_code(strict=False) == 1


def test_schema_problems_are_errors_naming_the_field(ctx: Context, tmp_path: Path) -> None:
    path = write(tmp_path, office("a", '{ phrase = "RI", state = "Rhode Island" }'))
    (f,) = lint(ctx, path).findings
    assert f.kind == "schema" and f.details["field"] == "office[0].territory[0].state"


def test_office_without_any_contact_channel(ctx: Context, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        office("a", '{ phrase = "RI", state = "RI" }'),
        office("b", '{ phrase = "CT", state = "CT" }', phone="(555) 010-1234"),
        media='email = ""',
    )
    path.write_text(path.read_text().replace('email = ""\n', 'email = "media@example.org"\n'))
    assert "no_contact" not in kinds(lint(ctx, path))  # the national line reaches everyone
    bare = write(
        tmp_path,
        office("a", '{ phrase = "RI", state = "RI" }'),
        office("b", '{ phrase = "CT", state = "CT" }', phone="(555) 010-1234"),
        media="",
        name="bare.toml",
    )
    bare.write_text(
        bare.read_text().replace(
            'name = "Test media line"\n', 'name = "Test media line"\nemail = ""\n'
        )
    )
    found = [f for f in lint(ctx, bare).findings if f.kind == "no_contact"]
    assert [f.details["office"] for f in found] == ["a"]


def test_not_contiguous_is_a_note(ctx: Context, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        office("a", '{ phrase = "Maine", state = "ME" }', '{ phrase = "Hawaii", state = "HI" }'),
        office("b", '{ phrase = "Maine+NH", state = "NH" }'),
    )
    found = [f for f in lint(ctx, path).findings if f.kind == "not_contiguous"]
    assert [(f.details["office"], f.count, f.severity) for f in found] == [("a", 2, "note")]


def test_overlapping_regions_are_reported(ctx: Context) -> None:
    import dataclasses

    from fieldoffice.editing.lint import _overlapping_regions

    regions = dict(ctx.regions)
    wide = dataclasses.replace(
        regions["west-texas"],
        id="big-west-texas",
        name="Big West Texas",
        counties={**regions["west-texas"].counties, "48303": ("low", None)},
    )
    regions["big-west-texas"] = wide
    found = _overlapping_regions(regions)
    shared = {tuple(f.details["regions"]): f.count for f in found}
    assert shared == {("big-west-texas", "west-texas"): 18, ("big-west-texas", "north-texas"): 1}
    assert _overlapping_regions(ctx.regions) == []


@pytest.mark.parametrize("strict", [False, True])
def test_cli_lint_exit_codes_and_json(strict: bool) -> None:
    r = run("lint", "--json", *(["--strict"] if strict else []))
    assert r.returncode == (1 if strict else 0), r.stderr
    report = json.loads(r.stdout)
    assert report["summary"]["error"] == 0 and report["summary"]["warning"] == 7
    text = run("lint")
    assert "miami ('Florida'), tampa ('Florida')" in text.stdout
    assert "VA: 124 of 133 counties" in text.stdout and "PR: all 78 counties" in text.stdout


def test_cli_lint_on_a_broken_file_exits_1(tmp_path: Path) -> None:
    path = write(tmp_path, office("a", '{ phrase = "X", region = "nowhere" }'))
    r = run("lint", "--directory", str(path))
    assert r.returncode == 1 and "unknown region 'nowhere'" in r.stdout


def test_lint_and_the_strict_compiler_agree_on_the_counties(ctx: Context, tmp_path: Path) -> None:
    from fieldoffice.directory.file import load_directory
    from fieldoffice.directory.territory import compile_territories

    small = write(
        tmp_path,
        office("a", '{ phrase = "Texas but the west", state = "TX", except_regions = ["west-texas"] }'),
        office("b", '{ phrase = "West Texas", region = "west-texas" }', '{ phrase = "NM", state = "NM" }'),
        office("c", '{ phrase = "El Paso", counties = ["48141"] }'),
    )  # fmt: skip
    for path in (None, small):
        directory = load_directory(path)
        strict = compile_territories(directory, ctx.gazetteer.counties, ctx.regions)
        report = lint(ctx, path)
        assert report.counts()["error"] == 0
        uncovered = {
            f for x in report.findings if x.kind == "uncovered" for f in x.details["counties"]
        }
        overlap = {f for x in report.findings if x.kind == "overlap" for f in x.details["counties"]}
        assert uncovered == set(strict.uncovered)
        assert overlap == set(strict.overlaps)
        by_offices = {tuple(x.details["offices"]): len(x.details["counties"])
                      for x in report.findings if x.kind == "overlap"}  # fmt: skip
        assert by_offices == dict(Counter(tuple(v) for v in strict.overlaps.values()))
    assert by_offices == {("b", "c"): 1}  # El Paso county, in West Texas


def test_every_unresolved_clause_is_an_error_and_the_rest_still_counts(
    ctx: Context, tmp_path: Path
) -> None:
    from fieldoffice.core.errors import DataError
    from fieldoffice.directory.file import load_directory
    from fieldoffice.directory.territory import compile_territories

    path = write(
        tmp_path,
        office("a", '{ phrase = "Rhode Island", state = "RI" }',
               '{ phrase = "Southern Oregon", region = "southern-oregon" }'),
        office("b", '{ phrase = "Nowhere", counties = ["99999"] }',
               '{ phrase = "Connecticut", state = "CT" }'),
    )  # fmt: skip
    report = lint(ctx, path)
    errors = [f for f in report.findings if f.severity == "error"]
    assert [(f.kind, f.details) for f in errors] == [
        ("unresolved_clause", {"office": "a", "phrase": "Southern Oregon"}),
        ("unresolved_clause", {"office": "b", "phrase": "Nowhere"}),
    ]
    assert "unknown region 'southern-oregon'" in errors[0].message
    assert "unknown county FIPS '99999'" in errors[1].message
    assert report.exit_code(strict=False) == 1
    uncovered = {f.details["state"] for f in report.findings if f.kind == "uncovered"}
    assert "RI" not in uncovered and "CT" not in uncovered and "OR" in uncovered
    with pytest.raises(DataError, match="unknown region 'southern-oregon'"):
        compile_territories(load_directory(path), ctx.gazetteer.counties, ctx.regions)
    r = run("lint", "--directory", str(path))
    assert r.returncode == 1 and "2 errors" in r.stdout
