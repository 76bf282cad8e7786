"""Batch assignment: the fast path against the locator, bad rows, column choice, round trips, Dask."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from fieldoffice.batch.columns import choose_columns
from fieldoffice.batch.rows import (
    SEVERAL,
    STATUS_NAMES,
    assign_frame,
    assign_points,
    assign_zips,
    result_columns,
)
from fieldoffice.core.errors import InvalidInput
from fieldoffice.directory.context import Context
from fieldoffice.lookup.locate import Locator
from tests.cli.test_commands import run


def test_points_agree_with_the_locator_one_by_one(ctx: Context, locator: Locator) -> None:
    """4,500 points, 2,500 of them within 8 km of a county line: every office named, in order."""
    from tests.e2e.test_doors_agree import points_near_lines

    rng = np.random.default_rng(17)
    near_lat, near_lon = points_near_lines(ctx, 2500, seed=23)
    lat = np.concatenate([rng.uniform(24, 50, 2000), near_lat])
    lon = np.concatenate([rng.uniform(-125, -66, 2000), near_lon])
    a = assign_points(ctx, lat=lat, lon=lon)
    named = result_columns(ctx, a)["office_id"].to_pylist()
    ids = [o.id for o in ctx.directory.offices]
    across = 0
    for i in range(len(lat)):
        answer = locator.locate_point(lat=float(lat[i]), lon=float(lon[i]))
        assert STATUS_NAMES[a.status[i]] == answer.status
        assert named[i] == "|".join(o.id for o in answer.offices)  # inside first, then across
        across += any(o.side == "nearby" for o in answer.offices)
        inside = sorted(o.id for o in answer.responsible)
        if a.office[i] >= 0:
            assert inside == [ids[a.office[i]]]
        elif a.office[i] == SEVERAL:
            assert len(inside) > 1
        else:
            assert inside == []
        if a.county[i] >= 0:
            assert [c.fips for c in answer.counties] == [ctx.gazetteer.counties[a.county[i]].fips]
    assert across >= 100


def test_near_boundary_row_names_the_office_across_the_line(ctx: Context) -> None:
    """A point in Christian County, KY (Chicago) just north of Tennessee (New Orleans)."""
    a = assign_points(ctx, lat=[36.65], lon=[-87.45])
    cols = {k: v.to_pylist()[0] for k, v in result_columns(ctx, a).items()}
    assert cols["status"] == "near_boundary"
    assert cols["office_id"] == "chicago|new-orleans"
    assert "New Orleans" in cols["reason"]


def test_zip_that_crosses_a_state_line_names_both_offices(ctx: Context) -> None:
    """42223 (Fort Campbell) is filed in Kentucky; the Census puts part of it in Tennessee."""
    cols = {k: v.to_pylist()[0] for k, v in result_columns(ctx, assign_zips(ctx, ["42223"])).items()}  # fmt: skip
    assert (cols["status"], cols["office_id"]) == ("near_boundary", "chicago|new-orleans")
    assert "New Orleans" in cols["reason"]


def test_large_arrays_use_chunks_and_threads_and_agree(ctx: Context) -> None:
    rng = np.random.default_rng(5)
    lat, lon = rng.uniform(24, 50, 700_000), rng.uniform(-125, -66, 700_000)
    a = assign_points(ctx, lat=lat, lon=lon)
    found = ctx.gazetteer.index.lookup(lat=lat, lon=lon)
    inside = found >= 0
    np.testing.assert_array_equal(a.county[inside], found[inside])
    # a point outside every county has a county only if one lies within the tolerance
    offshore = ~inside & (a.county >= 0)
    statuses = {STATUS_NAMES[s] for s in np.unique(a.status[offshore])}
    assert offshore.any() and statuses <= {"near_boundary", "uncovered"}


def test_bad_rows_are_kept_and_say_why(ctx: Context) -> None:
    df = pd.DataFrame({"id": range(6), "lat": ["39.53", "abc", "95", "", "nan", "0"],
                       "lon": ["-119.81", "1", "1", "1", "1", "0"]})  # fmt: skip
    out = assign_frame(df, ctx=ctx, lat="lat", lon="lon")
    assert list(out.id) == list(range(6))
    assert list(out["status"]) == [
        "matched",
        "invalid",
        "invalid",
        "invalid",
        "invalid",
        "not_found",
    ]
    assert "not a number" in out["reason"][1] and "-90..90" in out["reason"][2]
    assert out["office_id"][0] == "san-francisco" and out["office_id"][1] == ""


def test_zip_column(ctx: Context) -> None:
    a = assign_zips(
        ctx, ["89501", "89501-1234", "895011234", " 89501 ", "00000", "abc", None, "", "09001"]
    )
    assert [STATUS_NAMES[s] for s in a.status] == [
        "matched", "matched", "matched", "matched", "not_found", "invalid", "invalid", "invalid", "not_found"]  # fmt: skip


def test_zip_frame_keeps_leading_zeros_and_overlap_lists_both(ctx: Context) -> None:
    out = assign_frame(pa.table({"zip": ["02108", "33101"]}), ctx=ctx, zip="zip")
    assert out.column("zip").to_pylist() == ["02108", "33101"]
    assert out.column("office_id").to_pylist() == ["boston", "miami|tampa"]


def test_place_column_goes_through_the_locator(ctx: Context) -> None:
    out = assign_frame(
        pd.DataFrame({"place": ["Reno, NV", "Texas", "Richmond, VA", "Xyzzy"]}),
        ctx=ctx,
        place="place",
    )
    assert list(out["status"]) == ["matched", "split", "uncovered", "not_found"]
    assert out["office_id"][1] == "dallas|houston|san-antonio|el-paso"


@pytest.mark.parametrize(
    ("names", "flags", "expected"),
    [
        (["id", "Latitude", "Longitude"], {}, ("Latitude", "Longitude", None, None)),
        (["ZIP", "name"], {}, (None, None, "ZIP", None)),
        (["a", "b"], {"lat": "a", "lon": "b"}, ("a", "b", None, None)),
        (["address", "zip"], {"zip": "zip"}, (None, None, "zip", None)),
    ],
)
def test_column_choice(names: list[str], flags: dict, expected: tuple) -> None:  # type: ignore[type-arg]
    full = {"lat": None, "lon": None, "zip": None, "address": None, "place": None, **flags}
    roles, _ = choose_columns(names, **full)
    assert (roles.lat, roles.lon, roles.zip, roles.place) == expected


@pytest.mark.parametrize(
    ("names", "flags", "message"),
    [
        (["lat", "latitude", "lon"], {}, "several columns could be the lat"),
        (["place", "city", "zip"], {}, "more than one kind"),
        (["lat", "lon", "place"], {"prefer": "nowhere"}, "--prefer"),
        (["lat", "lon"], {"prefer": "address"}, "no column holds an address"),
        (["a", "b"], {"lat": "a", "lon": "b", "zip": "a"}, "name one kind"),
        (["latitude", "name"], {}, "not the other"),
        (["a", "b"], {}, "no column says where"),
        (["a"], {"lat": "a"}, "go together"),
        (["a"], {"zip": "b"}, "no column 'b'"),
    ],
)
def test_column_choice_refuses_to_guess(names: list[str], flags: dict, message: str) -> None:  # type: ignore[type-arg]
    full = {"lat": None, "lon": None, "zip": None, "address": None, "place": None, **flags}
    with pytest.raises(InvalidInput, match=message):
        choose_columns(names, **full)


def _points_csv(path: Path, n: int = 5000) -> pd.DataFrame:
    rng = np.random.default_rng(9)
    df = pd.DataFrame({"row": np.arange(n).astype(str), "latitude": rng.uniform(24, 50, n).round(6).astype(str),
                       "longitude": rng.uniform(-125, -66, n).round(6).astype(str), "note": 'x,"quoted"'})  # fmt: skip
    df.loc[7, "latitude"] = "not a number"
    df.to_csv(path, index=False)
    return df


@pytest.mark.parametrize("suffix", [".csv", ".tsv", ".parquet"])
def test_cli_round_trip_keeps_every_row_in_order(tmp_path: Path, suffix: str) -> None:
    src = tmp_path / "in.csv"
    df = _points_csv(src)
    out = tmp_path / f"out{suffix}"
    r = run("assign", str(src), "-o", str(out))
    assert r.returncode == 1  # one invalid row
    assert "using --lat latitude --lon longitude" in r.stderr and "invalid 1" in r.stderr
    if suffix == ".parquet":
        got = pq.read_table(out).to_pandas()
    else:
        got = pd.read_csv(
            out, sep="\t" if suffix == ".tsv" else ",", dtype=str, keep_default_na=False
        )
    assert list(got.columns) == [
        *df.columns,
        "office_id",
        "office_name",
        "status",
        "county_fips",
        "reason",
    ]
    assert len(got) == len(df) and list(got["row"]) == list(df["row"])
    assert list(got["latitude"]) == list(df["latitude"]) and list(got["note"]) == list(df["note"])
    assert got["status"][7] == "invalid"


def test_cli_stdin_to_stdout(tmp_path: Path) -> None:
    import subprocess

    from tests.cli.test_commands import EXE

    r = subprocess.run([EXE, "assign", "-", "-o", "-", "--zip", "zip"], input="zip,name\n89501,a\n00501,b\n",
                       capture_output=True, text=True, timeout=60)  # fmt: skip
    import csv

    rows = list(csv.reader(r.stdout.splitlines()))
    assert rows[0] == ["zip", "name", "office_id", "office_name", "status", "county_fips", "reason"]
    assert rows[1][:3] == ["89501", "a", "san-francisco"] and rows[2][:2] == ["00501", "b"]
    assert r.returncode == 0


def test_cli_refuses_and_keeps_old_output(tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    src.write_text("a,b\n1,2\n")
    out = tmp_path / "out.csv"
    out.write_text("previous")
    r = run("assign", str(src), "-o", str(out))
    assert r.returncode == 2 and "no column says where" in r.stderr
    assert out.read_text() == "previous"
    r = run("assign", str(tmp_path / "nope.csv"), "-o", str(out))
    assert r.returncode == 2 and "cannot read" in r.stderr
    clash = tmp_path / "clash.csv"
    clash.write_text("zip,status\n89501,x\n")
    r = run("assign", str(clash), "-o", str(out))
    assert r.returncode == 2 and "already has a column named status" in r.stderr


def test_dask_engine_matches_local_on_multifile_parquet(tmp_path: Path) -> None:
    rng = np.random.default_rng(21)
    folder = tmp_path / "dataset"
    folder.mkdir()
    for i in range(3):
        n = 4000
        lat = rng.uniform(24, 50, n)
        lat[::333] = np.nan
        pd.DataFrame({"rid": np.arange(i * n, (i + 1) * n), "lat": lat, "lon": rng.uniform(-125, -66, n)}
                     ).to_parquet(folder / f"part-{i}.parquet", index=False)  # fmt: skip
    local, dask = tmp_path / "local.parquet", tmp_path / "dask.parquet"
    r1 = run("assign", str(folder), "-o", str(local))
    r2 = run("assign", str(folder), "-o", str(dask), "--engine", "dask")
    assert r1.returncode == r2.returncode == 1, r2.stderr
    a, b = pq.read_table(local).to_pandas(), pq.read_table(dask).to_pandas()
    assert len(a) == 12000 and list(a["rid"]) == list(range(12000))
    pd.testing.assert_frame_equal(a.astype(str), b.astype(str))
    folder = tmp_path / "parts"
    r3 = run("assign", str(tmp_path / "dataset"), "-o", str(folder) + "/", "--engine", "dask")
    assert r3.returncode == 1, r3.stderr
    parts = sorted(folder.glob("part.*.parquet"), key=lambda p: int(p.name.split(".")[1]))
    c = pd.concat([pq.read_table(p).to_pandas() for p in parts], ignore_index=True)
    pd.testing.assert_frame_equal(a.astype(str), c.astype(str))


def test_summary_counts_statuses(tmp_path: Path) -> None:
    src = tmp_path / "z.csv"
    src.write_text("zip\n89501\n33101\nabc\n")
    r = run("assign", str(src), "-o", str(tmp_path / "o.csv"))
    assert "matched 1" in r.stderr and "overlap 1" in r.stderr and "invalid 1" in r.stderr
    assert json.dumps(r.returncode) == "1"
