"""Ingesting a contact page: the seed round-trips, HTML variations give the right diffs, no crash."""

from __future__ import annotations

import html
import json
import tomllib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fieldoffice.core.errors import FieldOfficeError
from fieldoffice.directory.context import Context
from fieldoffice.directory.file import default_path
from fieldoffice.directory.phrases import PhraseResolver
from fieldoffice.editing.ingest import ingest
from tests.cli.test_commands import run
from tests.paths import SEED_PAGE as SEED

SHIPPED = tomllib.loads(default_path().read_text())


@pytest.fixture(scope="module")
def resolver(ctx: Context) -> PhraseResolver:
    return PhraseResolver(ctx.gazetteer, ctx.regions)


def test_seed_page_reproduces_the_shipped_directory(ctx: Context, resolver: PhraseResolver) -> None:
    result = ingest(SEED.read_bytes(), ctx.gazetteer, resolver, ctx.directory)
    assert result.problems == []
    assert (
        result.raw["office"] == SHIPPED["office"]
    )  # ids, names, cities, states, AOR text, clauses
    for key in ("media", "notice", "credit_line"):
        assert result.raw["directory"][key] == SHIPPED["directory"][key], key


def test_a_re_ingest_keeps_the_translations_of_words_the_page_still_says(
    ctx: Context, resolver: PhraseResolver
) -> None:
    same = ingest(SEED.read_bytes(), ctx.gazetteer, resolver, ctx.directory).raw["directory"]
    assert same["translations"] == SHIPPED["directory"]["translations"]
    assert same["notice_summary"] == SHIPPED["directory"]["notice_summary"]
    # the page's notice now says something else: its old translation and summary must go
    changed = SEED.read_bytes().replace(b"has been compromised", b"has been stolen", 1)
    assert changed != SEED.read_bytes()
    raw = ingest(changed, ctx.gazetteer, resolver, ctx.directory).raw["directory"]
    assert "notice_summary" not in raw
    es = raw["translations"]["es"]
    assert "notice" not in es and es["media"] == SHIPPED["directory"]["translations"]["es"]["media"]


def test_every_shipped_aor_resolves_to_its_clauses(ctx: Context, resolver: PhraseResolver) -> None:
    for office in ctx.directory.offices:
        res = resolver.resolve(office.aor, state=office.state)
        assert res.ok and res.clauses == list(office.clauses), office.id


def page_html(
    offices: list[tuple[str, str, str, str, str | None]], *, spacing: str = "\n"
) -> bytes:
    """A page shaped like the real one: navigation, title, media paragraph, note, offices by state."""
    by_state: dict[str, list[str]] = {}
    for heading, name, city, st_code, aor in offices:
        aor_line = f"<p class='aor'>AOR: {html.escape(aor)}</p>" if aor is not None else ""
        block = (f"<div class='office'>{spacing}<h3>{html.escape(name)}</h3>{spacing}"
                 f"<p>{html.escape(city)},{spacing}<span>{st_code}</span></p>{spacing}{aor_line}</div>")  # fmt: skip
        by_state.setdefault(heading, []).append(block)
    states = "".join(f"<h2>{h}</h2>{''.join(b)}" for h, b in by_state.items())
    return f"""<!doctype html><html><head><title>Contact</title><script>var x = "AOR: Texas";</script>
<style>.a{{}}</style></head><body><nav><a href="/">Home</a> <a href="/x">Who We Are</a></nav>
<main><p>For media inquiries about the Agency&#8217;s activities, contact the Example Office of Public Affairs
(EOPA) at (555) 010-4646 or email press@example.gov.</p>
<p>When using agency images, use of credit line of &quot;Photo Courtesy of EX&quot; is requested.</p>
<p>NOTE: It has come to our attention that our phone number has been compromised &amp; used by scammers.</p>
<h1>Example Field Offices</h1><h2>United States</h2>{states}</main></body></html>""".encode()


BASE = [
    ("Arizona", "Phoenix Office", "Phoenix", "AZ", "Arizona"),
    ("Nevada", "Reno Office", "Reno", "NV", "Northern Nevada"),
    ("Texas", "Dallas Office", "Dallas", "TX", "North Texas and Oklahoma"),
]


def _read(ctx: Context, resolver: PhraseResolver, offices: list, **kw: str) -> dict:  # type: ignore[type-arg]
    result = ingest(page_html(offices, **kw), ctx.gazetteer, resolver, None)
    return {"raw": result.raw, "problems": result.problems}


def test_html_page_is_read_with_entities_and_without_scripts(
    ctx: Context, resolver: PhraseResolver
) -> None:
    got = _read(ctx, resolver, BASE)
    d = got["raw"]["directory"]
    assert got["problems"] == []
    assert d["media"]["phone"] == "(555) 010-4646" and d["media"]["email"] == "press@example.gov"
    assert d["notice"][0]["kind"] == "scam" and "compromised & used" in d["notice"][0]["text"]
    assert d["credit_line"]["text"].startswith(
        'When using agency images, use of credit line of "Photo'
    )
    assert [o["id"] for o in got["raw"]["office"]] == ["phoenix", "reno", "dallas"]
    assert got["raw"]["office"][2]["territory"] == [{"phrase": "North Texas", "region": "north-texas"},
                                                    {"phrase": "Oklahoma", "state": "OK"}]  # fmt: skip


def test_extra_whitespace_changes_nothing(ctx: Context, resolver: PhraseResolver) -> None:
    tight = _read(ctx, resolver, BASE)
    loose = _read(ctx, resolver, BASE, spacing="\n\n      \t  \n")
    assert tight["raw"]["office"] == loose["raw"]["office"]


def test_missing_aor_is_reported_with_where(ctx: Context, resolver: PhraseResolver) -> None:
    offices = [*BASE[:2], ("Texas", "Dallas Office", "Dallas", "TX", None)]
    got = _read(ctx, resolver, offices)
    assert len(got["problems"]) == 1
    p = got["problems"][0]
    assert "Dallas Office" in p.where and "Texas" in p.where and "AOR" in p.message


def test_renamed_region_is_unresolved_with_exact_text(
    ctx: Context, resolver: PhraseResolver
) -> None:
    offices = [
        *BASE[:2],
        ("Texas", "Dallas Office", "Dallas", "TX", "Greater North Texas Area and Oklahoma"),
    ]
    got = _read(ctx, resolver, offices)
    assert [p.text for p in got["problems"]] == ["Greater North Texas Area"]


def _write(tmp: Path, name: str, data: bytes) -> Path:
    path = tmp / name
    path.write_bytes(data)
    return path


def test_cli_diffs_for_moved_and_new_offices(tmp_path: Path) -> None:
    old_page = _write(tmp_path, "old.html", page_html(BASE))
    old_file = tmp_path / "dir.toml"
    r = run("ingest", str(old_page), "--commit", "-o", str(old_file),
            "--directory", str(default_path()), "--allow-removals")  # fmt: skip
    assert r.returncode == 0, r.stdout + r.stderr
    assert tomllib.loads(old_file.read_text())["office"][1]["id"] == "reno"
    moved = [BASE[0], ("California", "Reno Office", "Sacramento", "CA", "Northern Nevada"), BASE[2],
             ("Arizona", "Tucson Office", "Tucson", "AZ", "Arizona")]  # fmt: skip
    new_page = _write(tmp_path, "new.html", page_html(moved))
    r = run("ingest", str(new_page), "--directory", str(old_file))
    assert r.returncode == 0, r.stdout
    assert "+ office added: tucson (Tucson Office)" in r.stdout
    assert "~ office moved: reno: Reno, NV -> Sacramento, CA" in r.stdout
    assert "counties moved: 15" in r.stdout and "phoenix -> phoenix|tucson" in r.stdout
    assert "dry run" in r.stdout
    assert len(tomllib.loads(old_file.read_text())["office"]) == 3  # a dry run writes nothing


def test_commit_refuses_problems_and_keeps_the_old_file(tmp_path: Path) -> None:
    target = tmp_path / "dir.toml"
    target.write_text("old contents")
    bad = _write(
        tmp_path, "bad.html", page_html([("Nevada", "Reno Office", "Reno", "NV", "Atlantis")])
    )
    r = run(
        "ingest", str(bad), "--commit", "-o", str(target), "--allow-removals", "--allow-unreadable"
    )
    assert r.returncode == 2 and "unresolved" in r.stdout and "'Atlantis'" in r.stdout
    assert "fieldoffice: error: unresolved: office 'Reno Office' under Nevada" in r.stderr
    assert "Traceback" not in r.stderr
    assert target.read_text() == "old contents"
    assert not list(tmp_path.glob(".*.tmp"))


def test_commit_is_atomic_when_the_write_fails(tmp_path: Path) -> None:
    from unittest import mock

    from fieldoffice.editing.ingest import write_directory_file

    target = tmp_path / "dir.toml"
    target.write_text("old contents")
    with (
        mock.patch("os.fsync", side_effect=OSError(28, "No space left on device")),
        pytest.raises(FieldOfficeError),
    ):
        write_directory_file(SHIPPED, target)
    assert target.read_text() == "old contents" and not list(tmp_path.glob(".*.tmp"))
    write_directory_file(SHIPPED, target)
    assert tomllib.loads(target.read_text())["office"] == SHIPPED["office"]


def test_resolve_command() -> None:
    r = run("resolve", "Northern California, Northern Nevada")
    assert r.returncode == 0
    assert "'Northern California': region northern-california, 49 counties" in r.stdout
    r = run("resolve", "San Diego and Imperial Counties, Atlantis")
    assert r.returncode == 1 and "unresolved: 'Atlantis'" in r.stdout
    r = run("resolve", "Clark and Nye Counties", "--state", "NV")
    assert "2 counties: Clark County, NV, Nye County, NV" in r.stdout


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.one_of(st.binary(max_size=3000),
                 st.text(max_size=2000).map(str.encode),
                 st.lists(st.sampled_from(["<p>", "</p>", "AOR:", "Office", "Reno,", "NV", "Texas", "  ",
                                           "For media inquiries contact the X at (555) 010-1234 or email a@b.gov.",
                                           "<h2>", "Nevada", "&amp;", "\\x00", "Northern Nevada", ","]),
                          max_size=60).map(lambda xs: "".join(xs).encode())))  # fmt: skip
def test_any_bytes_give_a_directory_or_a_clear_error(
    ctx: Context, resolver: PhraseResolver, data: bytes
) -> None:
    try:
        result = ingest(data, ctx.gazetteer, resolver, None)
    except FieldOfficeError as exc:
        assert str(exc)
        return
    json.dumps(result.raw)  # plain data, nothing half-built
    assert result.raw["office"]


def test_ingest_page_writes_only_when_committed_to_a_target(ctx: Context, tmp_path: Path) -> None:
    from fieldoffice.editing.ingest import ingest_page

    data, source, target = page_html(BASE), tmp_path / "page.html", tmp_path / "dir.toml"
    dry = ingest_page(ctx, data, source=source, target=target, commit=False)
    assert dry.problems == [] and dry.written is None and not target.exists()
    assert dry.needs and dry.needs[0].startswith("--allow-removals (20 offices")
    assert "would remove office 'seattle' (Seattle Office) of the current directory" in dry.refusals
    refused = ingest_page(ctx, data, source=source, target=target, commit=True)
    assert refused.written is None and not target.exists()
    assert dry.changes is not None and [x["id"] for x in dry.changes.added] == ["reno"]
    assert dry.lines()[0] == dry.diff_text and "+ office added: reno (Reno Office)" in dry.diff_text
    assert any(f.kind == "uncovered" for f in dry.findings)
    assert ingest_page(ctx, data, source=source, target=None, commit=True).written is None
    done = ingest_page(ctx, data, source=source, target=target, commit=True, allow_removals=True)
    assert done.written == target and done.lines() == dry.lines()[:-1]  # (not "a commit needs")
    assert dry.lines()[-1].startswith("a commit needs --allow-removals")
    assert [o["id"] for o in tomllib.loads(target.read_text())["office"]] == [
        "phoenix",
        "reno",
        "dallas",
    ]
    bad = page_html([("Nevada", "Reno Office", "Reno", "NV", "Atlantis")])
    refused = ingest_page(ctx, bad, source=source, target=tmp_path / "x.toml", commit=True,
                          allow_removals=True, allow_unreadable=True)  # fmt: skip
    assert (
        refused.written is None and refused.changes is None and not (tmp_path / "x.toml").exists()
    )
    assert [p.text for p in refused.problems] == ["Atlantis"]
    assert refused.lines()[-1].startswith("1 problems: nothing written")


def test_cli_commit_without_a_file_shows_the_diff_then_refuses(tmp_path: Path) -> None:
    page = _write(tmp_path, "page.html", page_html(BASE))
    r = run("ingest", str(page), "--commit")
    assert r.returncode == 2 and "--commit needs a file to write" in r.stderr
    assert "+ office added: reno (Reno Office)" in r.stdout and "wrote" not in r.stdout


def test_seed_page_committed_verifies_like_the_shipped_directory(
    ctx: Context, tmp_path: Path
) -> None:
    from fieldoffice.directory.file import load_directory
    from fieldoffice.editing.ingest import ingest_page
    from fieldoffice.verify import Verifier

    target = tmp_path / "dir.toml"
    report = ingest_page(ctx, SEED.read_bytes(), source=SEED, target=target, commit=True)
    assert report.written == target and report.changes is not None
    assert report.changes.verification == [] and report.changes.empty
    committed = load_directory(target)
    assert committed.official_domains == ctx.directory.official_domains
    assert (
        committed.guidance == ctx.directory.guidance
        and committed.reported == ctx.directory.reported
    )
    for contact in (
        "(202) 732-4646",
        "someone@ice.dhs.gov",
        "ice.gov",
        "202-732-4647",
        "icemedia@gmail.com",
    ):
        a = Verifier(committed).verify(contact)
        b = Verifier(ctx.directory).verify(contact)
        assert (a.status, a.reason) == (b.status, b.reason), contact


def test_diff_reports_verification_changes(ctx: Context) -> None:
    import dataclasses

    from fieldoffice.editing.diff import diff_directories, diff_text

    new = dataclasses.replace(
        ctx.directory,
        official_domains=(*ctx.directory.official_domains[1:], "example.gov"),
        guidance={**ctx.directory.guidance, "en": ["Hang up."]},
    )
    d = diff_directories(ctx.directory, new, ctx.territories, ctx.territories)
    whats = {(x["what"], x["old"], x["new"]) for x in d.verification if "domain" in x["what"]}
    assert ("official domain", None, "example.gov") in whats
    assert ("official domain", ctx.directory.official_domains[0], None) in whats
    assert any(x["what"] == "guidance (en)" for x in d.verification) and not d.empty
    assert "+ official domain: example.gov" in diff_text(d, {})


def test_the_pages_tip_line_is_captured_and_a_change_is_reported(
    ctx: Context, resolver: PhraseResolver
) -> None:
    from fieldoffice.directory.file import build_directory
    from fieldoffice.editing.diff import diff_directories
    from fieldoffice.verify import Verifier

    page = SEED.read_bytes().replace(b"1-866-DHS-2-ICE", b"1-866-555-0199", 1)
    result = ingest(page, ctx.gazetteer, resolver, ctx.directory)
    (tip,) = [
        c for c in result.raw["directory"]["verification"]["contact"] if c["purpose"] == "tips"
    ]
    assert tip["phone"] == "1-866-555-0199"
    new = build_directory(result.raw, SEED)
    assert Verifier(new).verify("866-555-0199").status == "listed"
    d = diff_directories(ctx.directory, new, ctx.territories, ctx.territories)
    assert any(
        x["what"] == "listed contact" and x["new"] and "555-0199" in x["new"]
        for x in d.verification
    )


def test_a_page_with_no_offices_says_what_it_has_and_what_a_page_needs(
    ctx: Context, resolver: PhraseResolver
) -> None:
    from fieldoffice.core.errors import InvalidInput

    with pytest.raises(InvalidInput) as refused:
        ingest(page_html([]), ctx.gazetteer, resolver, None)
    assert refused.value.message == (
        "the page lists no offices that can be read: it has a media contact (Example Office of "
        "Public Affairs (EOPA), (555) 010-4646), a notice, a credit line and 7 blocks of text, "
        "none shaped like an office"
    )
    assert refused.value.hint == (
        "a page needs, under each state heading ('Nevada'), each office as its own lines: "
        "'NAME Office', 'CITY,', 'ST', 'AOR: …' (examples/contact-page.txt is one)"
    )
