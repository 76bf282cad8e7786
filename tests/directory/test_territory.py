"""Regions and the territory compiler: exact county sets, and errors that name the clause."""

from __future__ import annotations

import dataclasses
from collections import Counter

import pytest

from fieldoffice.core.errors import DataError
from fieldoffice.core.models import Clause
from fieldoffice.directory.context import Context
from fieldoffice.directory.phrase_regions import load_regions
from fieldoffice.directory.territory import compile_territories

OFFICE_IDS = [
    "phoenix", "laguna-niguel", "san-diego", "san-francisco", "denver", "washington-dc-headquarters",
    "miami", "tampa", "atlanta", "chicago", "new-orleans", "boston", "detroit", "st-paul", "newark",
    "new-york", "philadelphia", "dallas", "el-paso", "houston", "san-antonio", "seattle",
]  # fmt: skip


def test_directory_has_the_22_offices_with_their_slugs(ctx: Context) -> None:
    assert [o.id for o in ctx.directory.offices] == OFFICE_IDS


@pytest.mark.parametrize(
    ("state", "regions", "total"),
    [
        (
            "TX",
            [
                "north-texas",
                "west-texas",
                "houston-corpus-christi",
                "south-texas-rio-grande-valley",
            ],
            254,
        ),
        ("CA", ["los-angeles-area", "san-diego-imperial", "northern-california"], 58),
        ("NY", ["nyc-metro-long-island", "upstate-new-york"], 62),
        ("NV", ["southern-nevada", "northern-nevada"], 17),
    ],
)
def test_split_states_are_covered_exactly_once(
    ctx: Context, state: str, regions: list[str], total: int
) -> None:
    counts = Counter(f for r in regions for f in ctx.regions[r].counties)
    state_fips = {c.fips for c in ctx.gazetteer.state_counties(state)}
    assert len(state_fips) == total
    assert set(counts) == state_fips
    assert set(counts.values()) == {1}


@pytest.mark.parametrize(
    ("region", "count"),
    [
        ("north-texas", 128),
        ("west-texas", 18),
        ("houston-corpus-christi", 54),
        ("south-texas-rio-grande-valley", 54),
        ("northern-california", 49),
        ("upstate-new-york", 48),
        ("nyc-metro-long-island", 14),
        ("northern-virginia", 9),
        ("los-angeles-area", 7),
    ],
)
def test_region_sizes_match_the_reference(ctx: Context, region: str, count: int) -> None:
    assert len(ctx.regions[region].counties) == count


def test_confidence_is_per_county_in_southern_nevada(ctx: Context) -> None:
    sn = ctx.regions["southern-nevada"].counties
    assert sn["32003"][0] == "high"  # Clark
    assert {sn[f][0] for f in ("32009", "32017", "32023")} == {"low"}  # Esmeralda, Lincoln, Nye


def test_uncovered_and_overlapping_counties(ctx: Context) -> None:
    t = ctx.territories
    uncovered = Counter(ctx.gazetteer.county_by_fips[f].state for f in t.uncovered)
    va = len(ctx.gazetteer.state_counties("VA"))
    assert uncovered == {
        "VA": va - 9,
        **{s: len(ctx.gazetteer.state_counties(s)) for s in ("PR", "VI", "GU", "MP", "AS")},
    }
    overlaps = t.overlaps
    assert {ctx.gazetteer.county_by_fips[f].state for f in overlaps} == {"FL"}
    assert len(overlaps) == 67 and set(map(tuple, overlaps.values())) == {("miami", "tampa")}


def test_hawaii_kansas_idaho_follow_the_page_not_enforcement(ctx: Context) -> None:
    by_state = {c.state: ctx.territories.offices_of(c.fips) for c in ctx.gazetteer.counties}
    assert by_state["HI"] == {"laguna-niguel"}
    assert by_state["KS"] == by_state["MO"] == {"st-paul"}
    assert by_state["UT"] == by_state["MT"] == {"denver"}
    assert by_state["ID"] == {"seattle"}
    assert by_state["MD"] == {"washington-dc-headquarters"}


def _with_clause(ctx: Context, clause: Clause) -> None:
    office = dataclasses.replace(ctx.directory.offices[0], clauses=(clause,))
    directory = dataclasses.replace(ctx.directory, offices=(office,))
    compile_territories(directory, ctx.gazetteer.counties, ctx.regions)


@pytest.mark.parametrize(
    ("clause", "message"),
    [
        (Clause(phrase="Atlantis", state="ZZ"), "unknown state 'ZZ'"),
        (
            Clause(phrase="Southern Oregon", region="southern-oregon"),
            "unknown region 'southern-oregon'",
        ),
        (Clause(phrase="Nowhere County", counties=("99999",)), "unknown county FIPS '99999'"),
        (
            Clause(
                phrase="Nevada minus itself",
                state="NV",
                except_regions=("southern-nevada", "northern-nevada"),
            ),
            "resolves to no county",
        ),
    ],
)
def test_unresolvable_clause_is_an_error_naming_it(
    ctx: Context, clause: Clause, message: str
) -> None:
    with pytest.raises(DataError) as err:
        _with_clause(ctx, clause)
    assert message in str(err.value)
    assert repr(clause.phrase) in str(err.value)


def test_unknown_county_name_in_regions_file_is_an_error(ctx: Context, tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "regions.toml"
    path.write_text(
        '[[region]]\nid = "x"\nname = "X"\nstate = "NV"\n[[region.group]]\n'
        'confidence = "high"\ncounties = ["Gotham County"]\n'
    )
    with pytest.raises(DataError, match="'Gotham County' is not a county of NV"):
        load_regions(ctx.gazetteer.counties, path)


def test_collecting_compiler_reports_every_bad_clause_and_keeps_the_rest(ctx: Context) -> None:
    from fieldoffice.directory.territory import compile_territories_collecting

    good, bad = Clause(phrase="Rhode Island", state="RI"), Clause(phrase="Atlantis", state="ZZ")
    first = dataclasses.replace(ctx.directory.offices[0], clauses=(bad, good))
    second = dataclasses.replace(
        ctx.directory.offices[1], clauses=(Clause(phrase="Nowhere", counties=("99999",)),)
    )
    directory = dataclasses.replace(ctx.directory, offices=(first, second))
    territories, errors = compile_territories_collecting(
        directory, ctx.gazetteer.counties, ctx.regions
    )
    assert [(e.office_index, e.clause_index, e.office_id, e.phrase) for e in errors] == [
        (0, 0, "phoenix", "Atlantis"),
        (1, 0, "laguna-niguel", "Nowhere"),
    ]
    assert "unknown state 'ZZ'" in errors[0].error.message
    rhode_island = {c.fips for c in ctx.gazetteer.state_counties("RI")}
    assert set(territories.by_office["phoenix"]) == rhode_island
    assert territories.by_office["laguna-niguel"] == {}
    with pytest.raises(DataError, match="unknown state 'ZZ'"):
        compile_territories(directory, ctx.gazetteer.counties, ctx.regions)


def test_collecting_compiler_equals_the_strict_one_on_a_valid_directory(ctx: Context) -> None:
    from fieldoffice.directory.territory import compile_territories_collecting

    territories, errors = compile_territories_collecting(
        ctx.directory, ctx.gazetteer.counties, ctx.regions
    )
    assert errors == [] and territories == ctx.territories
