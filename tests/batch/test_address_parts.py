"""Address files as clerks keep them (issue 23): Address, City, State and Zip Code in columns of
their own, found by their headers and read whole; a row with only some parts answers from its
ZIP code, else its city and state, else its state, and says which; coordinates first in a file
that has both, the address where a row has none, unless --prefer address."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import pytest

from fieldoffice.batch.columns import choose_columns
from fieldoffice.batch.rows import assign_parts, result_columns
from fieldoffice.directory.context import Context
from tests.paths import EXAMPLES

EXE = str(Path(sys.executable).parent / "fieldoffice")
CLERK = EXAMPLES / "clerk-addresses.csv"
NO_FLAGS = {"lat": None, "lon": None, "zip": None, "address": None, "place": None}


def choose(names: list[str], **flags: str) -> tuple[tuple[str | None, ...], str | None]:
    roles, note = choose_columns(names, **{**NO_FLAGS, **flags})
    return (
        roles.lat,
        roles.lon,
        roles.street,
        roles.city,
        roles.state,
        roles.zip,
        roles.place,
    ), note


def test_the_parts_are_found_by_their_headers() -> None:
    got, note = choose(["Name", "Address", "City", "State", "Zip Code"])
    assert got == (None, None, "Address", "City", "State", "Zip Code", None)
    assert note == "fieldoffice: using --street Address --city City --state State --zip 'Zip Code'"
    got, _ = choose(["Street", "Town", "State Code", "Postal Code"])
    assert got == (None, None, "Street", "Town", "State Code", "Postal Code", None)


def test_coordinates_come_first_and_the_address_where_a_row_has_none() -> None:
    names = ["Address", "City", "State", "Zip Code", "Latitude (deg)", "Long"]
    got, note = choose(names)
    assert got == ("Latitude (deg)", "Long", "Address", "City", "State", "Zip Code", None)
    assert note and "coordinates first" in note and "--prefer address" in note
    got, _ = choose(names, prefer="address")
    assert got == (None, None, "Address", "City", "State", "Zip Code", None)
    got, _ = choose(["lat", "lon", "zip"])  # a ZIP column beside coordinates: no longer refused
    assert got[:2] == ("lat", "lon") and got[5] == "zip"


def test_flags_name_odd_headers_and_the_rest_are_still_found() -> None:
    got, note = choose(["Addr Line", "City", "ST", "Zip"], street="Addr Line", state="ST")
    assert got == (None, None, "Addr Line", "City", "ST", "Zip", None) and note is None
    got, _ = choose(["Address", "City", "State", "Zip Code"], address="Address")
    assert got[2:6] == ("Address", "City", "State", "Zip Code")  # --address is the street here
    got, _ = choose(["Address"], address="Address")
    assert got[6] == "Address"  # alone, a whole address


@pytest.mark.parametrize(
    ("row", "office", "said"),
    [
        (("1 E Liberty St", "Reno", "NV", "89501"), "san-francisco", None),
        (("100 S State St", "Salt Lake City", "UT", ""), "denver", "from the city and state (no ZIP code)"),
        (("", "", "TX", ""), "dallas|houston|san-antonio|el-paso", "from the state alone (no street, city, ZIP code)"),
        (("", "", "", "2108"), "boston", "from the ZIP code (no street, city, state): read 2108 as ZIP 02108"),
        (("12 Elm St", "Springfield", "IL", "ABCDE"), "chicago", "from the city and state (its ZIP code does not read as one)"),
        (("", "", "", ""), "", None),
    ],
)  # fmt: skip
def test_a_row_answers_from_what_it_has_and_says_which(
    ctx: Context, row: tuple[str, str, str, str], office: str, said: str | None
) -> None:
    street, city, state, zip_code = ([x] for x in row)
    a = assign_parts(ctx, streets=street, cities=city, states=state, zips=zip_code)
    columns = {k: v.to_pylist()[0] for k, v in result_columns(ctx, a).items()}
    assert columns["office_id"] == office
    if said is None:
        assert not columns["reason"].startswith("from ")
    else:
        assert columns["reason"].startswith(said), columns["reason"]
    if not any(row):
        assert columns["status"] == "invalid"


def test_the_readme_example_runs_as_written(tmp_path: Path) -> None:
    out = tmp_path / "assigned.csv"
    r = subprocess.run([EXE, "assign", str(CLERK), "-o", str(out)], capture_output=True, text=True,
                       env={"XDG_DATA_HOME": str(tmp_path), "PATH": "/usr/bin:/bin"})  # fmt: skip
    assert r.returncode == 0, r.stderr
    assert "coordinates first" in r.stderr
    rows = list(csv.DictReader(out.open()))
    by_case = {row["Case"]: row for row in rows}
    assert by_case["A-101"]["office_id"] == "san-francisco"
    assert by_case["A-102"]["office_id"] == "denver"
    assert by_case["A-102"]["reason"].startswith("no coordinates: from the city and state")
    assert by_case["A-104"]["office_id"] == "boston"
    assert by_case["A-106"]["office_id"].split("|")[0] == "new-york"  # Midtown: NJ is near
    assert all(row["status"] != "invalid" for row in rows)
