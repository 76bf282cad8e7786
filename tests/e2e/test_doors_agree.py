"""Batch and single lookups give the same status and offices, in the same order, for the same input.

Every office is compared: a near_boundary row names the office it is in first, then the offices
across the line, as the single answer does. The inputs are chosen where they could disagree: points
on county lines and coasts, within and just beyond the boundary tolerance of them, off shore, far
out at sea; every ZIP code (those whose area crosses a line among them); and populated places.
"""

from __future__ import annotations

import csv
import json
import math
from pathlib import Path

import numpy as np
import pytest

from fieldoffice.batch.rows import (
    STATUS_NAMES,
    assign_points,
    assign_texts,
    assign_zips,
    result_columns,
)
from fieldoffice.core.answer import Answer, Reason
from fieldoffice.directory.context import Context
from fieldoffice.geo.index_build import polygon_edges
from fieldoffice.lookup.locate import Locator
from fieldoffice.lookup.wording import short
from tests.cli.test_commands import run

KM_PER_DEG = math.pi * 6371.0088 / 180


def offices(single: Answer) -> str:
    """Every office a single answer names, in its order (inside first, then nearby)."""
    return "|".join(o.id for o in single.offices)


def points_near_lines(ctx: Context, n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Points on random boundary edges, pushed 0-8 km off them either way along the normal."""
    rng = np.random.default_rng(seed)
    edges, _owner = polygon_edges(ctx.gazetteer.polygons)
    e = edges[rng.integers(0, len(edges), n)]
    t = rng.uniform(0, 1, n)
    x = e[:, 0] + t * (e[:, 2] - e[:, 0])
    y = e[:, 1] + t * (e[:, 3] - e[:, 1])
    coslat = np.cos(np.radians(y))
    dx, dy = (e[:, 2] - e[:, 0]) * coslat, e[:, 3] - e[:, 1]
    length = np.hypot(dx, dy)
    length[length == 0] = 1
    km = rng.uniform(-8, 8, n)
    km[: n // 10] = 0.0  # exactly on the line
    nx, ny = -dy / length, dx / length
    return y + ny * km / KM_PER_DEG, x + nx * km / KM_PER_DEG / coslat


@pytest.fixture(scope="module")
def points(ctx: Context) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(11)
    near_lat, near_lon = points_near_lines(ctx, 8000, seed=3)
    lat = np.concatenate([near_lat, rng.uniform(18, 50, 3000), [0.0, 36.85, 25.0, 19.6]])
    lon = np.concatenate([near_lon, rng.uniform(-160, -66, 3000), [0.0, -75.95, -60.0, -155.0]])
    return lat, lon


def test_every_point_gets_the_same_status_offices_and_county(
    ctx: Context, locator: Locator, points: tuple[np.ndarray, np.ndarray]
) -> None:
    lat, lon = points
    a = assign_points(ctx, lat=lat, lon=lon)
    columns = {k: v.to_pylist() for k, v in result_columns(ctx, a).items()}
    seen: set[str] = set()
    crossing = 0
    for i in range(len(lat)):
        single = locator.locate_point(lat=float(lat[i]), lon=float(lon[i]))
        got = (columns["status"][i], columns["office_id"][i], columns["county_fips"][i])
        want = (single.status, offices(single), "|".join(c.fips for c in single.counties))
        assert got == want, (float(lat[i]), float(lon[i]))
        across = [o.name for o in single.offices if o.side == "nearby"]
        if across:  # the reason names the office across the line
            assert across[0] in columns["reason"][i]
            crossing += 1
        # the batch's short reason is the single answer's reason code, worded briefly
        assert columns["reason"][i] == short(Reason(single.reason_code, single.reason_params))
        seen.add(single.status)
    # the sample reaches every status a point can have, and many rows name offices across a line
    assert seen >= {"matched", "overlap", "near_boundary", "uncovered", "not_found"}
    assert len(lat) >= 4000 and crossing >= 300


def test_every_zip_gets_the_same_status_and_offices(ctx: Context, locator: Locator) -> None:
    odd = [
        "00000",
        "99999",
        "09905",
        "96939",
        "1234",
        "2108",
        "901",
        "0901",
        "123456",
        "٨٩٥٠١",
        "８９５０１",
        " 89501 ",
        "89501 1234",
        "89501-123",
    ]
    zips = [*sorted(ctx.gazetteer.zips), *odd]
    a = assign_zips(ctx, zips)
    columns = {k: v.to_pylist() for k, v in result_columns(ctx, a).items()}
    crossing = 0
    for i, z in enumerate(zips):
        # batch repairs a ZIP a spreadsheet made a number (2108 -> 02108); one typed value is not
        padded = z.isdigit() and len(z) in (3, 4) and z[0] != "0"
        single = locator.locate(z.zfill(5) if padded else z)
        got = (columns["status"][i], columns["office_id"][i])
        assert got == (single.status, offices(single)), z
        if z in ctx.gazetteer.zips:  # (odd cells are worded as cells, not as typed queries)
            assert columns["reason"][i] == short(Reason(single.reason_code, single.reason_params))
        crossing += any(o.side == "nearby" for o in single.offices)
    assert len(zips) >= 4000 and crossing >= 1000  # the Census and the spacing estimate


def test_every_populated_place_gets_the_same_status_and_offices(
    ctx: Context, locator: Locator
) -> None:
    """4,000 populated places as "Name, ST", the largest first (many of them near a line)."""
    g = ctx.gazetteer.geoplaces
    order = sorted(range(len(g)), key=lambda i: -g.population[i])[:4000]
    texts = [f"{g.at(i).name}, {g.at(i).state}" for i in order]
    a = assign_texts(ctx, texts)
    columns = {k: v.to_pylist() for k, v in result_columns(ctx, a).items()}
    near = 0
    for i, text in enumerate(texts):
        single = locator.locate(text)
        assert (columns["status"][i], columns["office_id"][i]) == (single.status, offices(single))
        near += single.status == "near_boundary"
    assert near >= 50


def test_military_zip_is_not_found_in_both_doors(ctx: Context, locator: Locator) -> None:
    a = assign_zips(ctx, ["09905"])
    assert STATUS_NAMES[a.status[0]] == "not_found" == locator.locate("09905").status


ZIP_FORMS = ["89109-1234", "89109 1234", "891091234", "89109\u20131234", "89109\u22121234",
             "89109_1234", "89109.1234", "89109\u00a01234", "89109\u20031234",
             "8910-91234", "89109--1234", "89109-123"]  # fmt: skip
READ = 9  # the first nine are one ZIP+4; the rest are no ZIP


def test_a_zip_plus_4_as_people_paste_it_is_read_alike_in_both_doors(
    ctx: Context, locator: Locator
) -> None:
    """Any dash or space people paste between ZIP and +4 (en dash, minus, "_", ".", a no-break
    space), one rule in both (Arrow's regex reads only ASCII spaces as \\s)."""
    a = assign_zips(ctx, ZIP_FORMS)
    batch = [STATUS_NAMES[s] for s in a.status]
    single = [locator.locate(z).status for z in ZIP_FORMS]
    assert batch[:READ] == ["matched"] * READ and set(batch[READ:]) == {"invalid"}, batch
    assert single == batch


def test_the_cli_doors_agree(ctx: Context, tmp_path: Path) -> None:
    """`locate --json` and `assign` on the same points and ZIP codes, through the real CLI."""
    lat, lon = points_near_lines(ctx, 150, seed=99)
    queries = [f"{y:.6f}, {x:.6f}" for y, x in zip(lat, lon, strict=True)]
    zips = ["89501", "09905", "42223", "18768", "96939", "99999", "33101", "20001"]
    r = run("locate", *queries, *zips, "--json")
    singles = [json.loads(line) for line in r.stdout.splitlines()]
    src = tmp_path / "points.csv"
    src.write_text("lat,lon\n" + "".join(f"{q}\n" for q in queries))
    run("assign", str(src), "-o", str(tmp_path / "points.out.csv"))
    zsrc = tmp_path / "zips.csv"
    zsrc.write_text("zip\n" + "".join(f"{z}\n" for z in zips))
    run("assign", str(zsrc), "-o", str(tmp_path / "zips.out.csv"))
    rows = []
    for name in ("points.out.csv", "zips.out.csv"):
        with (tmp_path / name).open() as f:
            rows += list(csv.DictReader(f))
    assert len(rows) == len(singles) == len(queries) + len(zips)
    for row, single in zip(rows, singles, strict=True):
        named = [o["id"] for o in single["offices"]]  # inside first, then across the line
        assert (row["status"], row["office_id"]) == (single["status"], "|".join(named))
