"""`fieldoffice assign` forgives what spreadsheets do, and says so: ZIP codes that lost their
leading zeros or became floats, headers with units and suffixes, a re-run over its own output.

Every test goes through the real command on real files; ZIP answers are checked against
`fieldoffice locate` of the ZIP code as it should have been written."""

from __future__ import annotations

import csv
import io
import json
import subprocess
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from fieldoffice.batch.columns import choose_columns, header_key
from fieldoffice.core.errors import InvalidInput
from fieldoffice.directory.context import Context
from tests.cli.test_commands import run

BAD_ZIP = "a ZIP code has 5 digits"
NOT_A_ZIP = ["0901", "21", "210800", "2108.5", "2108-1234", "1e4", "-2108", "2108.0.0", "O2108"]


def rows(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))


def one_line_error(r: subprocess.CompletedProcess[str]) -> str:
    assert r.returncode == 2, r.stderr
    assert "Traceback" not in r.stderr, r.stderr
    lines = [x for x in r.stderr.splitlines() if x.strip()]
    assert len(lines) == 1, r.stderr
    return lines[0]


def locate_json(*queries: str) -> dict[str, dict]:  # type: ignore[type-arg]
    r = run("locate", *queries, "--json")
    assert "Traceback" not in r.stderr, r.stderr
    return {a["query"]: a for a in map(json.loads, r.stdout.splitlines())}


def same_answer(row: dict[str, str], single: dict) -> None:  # type: ignore[type-arg]
    """A batch row and a single lookup of the same ZIP code: the same status, offices (every
    candidate, the containing one first), counties."""
    responsible = [o["id"] for o in single["offices"]]
    counties = [c["fips"] for c in single["counties"]]
    assert (row["status"], row["office_id"], row["county_fips"]) == (
        single["status"], "|".join(responsible), "|".join(counties),
    ), (row, single["query"])  # fmt: skip


@pytest.fixture(scope="module")
def leading_zero_zips(ctx: Context) -> list[str]:
    """Real ZIP codes that start with 0, from every status they have (Boston, San Juan, APO...)."""
    zips = sorted(z for z in ctx.gazetteer.zips if z.startswith("0"))
    rng = np.random.default_rng(12)
    picked = set(rng.choice(zips, 60, replace=False).tolist())
    picked |= {"02108", "00901", "00501", "09005", "06103", "07102"} & set(zips)
    return sorted(picked)


def test_text_zips_that_lost_zeros_are_padded_and_say_so(tmp_path: Path, leading_zero_zips: list[str]) -> None:  # fmt: skip
    typed = [z.lstrip("0") for z in leading_zero_zips]
    assert all(3 <= len(t) <= 4 for t in typed)
    src = tmp_path / "in.csv"
    body = [("a" + z, z.lstrip("0")) for z in leading_zero_zips]  # as a spreadsheet saved them
    body += [("b" + z, z) for z in leading_zero_zips]  # as they should be
    body += [("c" + z, f" {z.lstrip('0')}.0 ") for z in leading_zero_zips[:5]]  # floats, spaced
    body += [(f"bad{i}", text) for i, text in enumerate(NOT_A_ZIP)]
    src.write_text("id,zip\n" + "".join(f"{i},{z}\n" for i, z in body))
    out = tmp_path / "out.csv"
    r = run("assign", str(src), "-o", str(out))
    assert r.returncode == 1, r.stderr  # the rows that are no ZIP code at all
    got = {g["id"]: g for g in rows(out)}
    assert [g["id"] for g in rows(out)] == [i for i, _ in body]
    singles = locate_json(*leading_zero_zips)
    for z in leading_zero_zips:
        padded, plain, spaced = got["a" + z], got["b" + z], got.get("c" + z)
        assert padded["zip"] == z.lstrip("0")  # the input cell is kept as it was
        same_answer(padded, singles[z])
        same_answer(plain, singles[z])
        assert padded["reason"] == f"read {z.lstrip('0')} as ZIP {z}; {plain['reason']}"
        assert "read " not in plain["reason"]
        if spaced is not None:
            same_answer(spaced, singles[z])
            assert spaced["reason"] == f"read {z.lstrip('0')}.0 as ZIP {z}; {plain['reason']}"
    for i, text in enumerate(NOT_A_ZIP):
        row = got[f"bad{i}"]
        assert row["zip"] == text
        assert row["status"] == "invalid" and row["reason"].startswith(BAD_ZIP), row
    assert f"invalid {len(NOT_A_ZIP)}" in r.stderr


def test_a_float_zip_is_read_as_the_whole_number(tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    src.write_text("zip\n10001.0\n10001.00\n10001\n10001.5\n")
    out = tmp_path / "out.csv"
    run("assign", str(src), "-o", str(out))
    got = rows(out)
    single = locate_json("10001")["10001"]
    for g in got[:3]:
        same_answer(g, single)
    assert got[0]["reason"] == f"read 10001.0 as ZIP 10001; {got[2]['reason']}"
    assert got[1]["reason"] == f"read 10001.00 as ZIP 10001; {got[2]['reason']}"
    assert got[3]["status"] == "invalid" and got[3]["reason"].startswith(BAD_ZIP)


def test_numeric_parquet_zip_columns(tmp_path: Path) -> None:
    ints = [2108, 901, 10001, 5, 0, -2108, 123456, None]
    floats = [2108.0, 10001.0, 10001.5, float("nan"), None, 0.0, 1e12]
    src = tmp_path / "ints.parquet"
    pq.write_table(pa.table({"zip": pa.array(ints, type=pa.int64())}), src)
    fsrc = tmp_path / "floats.parquet"
    pq.write_table(pa.table({"zip": pa.array(floats, type=pa.float64())}), fsrc)
    for path in (src, fsrc):
        r = run("assign", str(path), "-o", str(path.with_suffix(".out.parquet")))
        assert r.returncode == 1 and "Traceback" not in r.stderr, r.stderr
    got = pq.read_table(src.with_suffix(".out.parquet")).to_pylist()
    fgot = pq.read_table(fsrc.with_suffix(".out.parquet")).to_pylist()
    assert [g["zip"] for g in got] == ints  # the column keeps its type and values
    singles = locate_json("02108", "00901", "10001", "00005")
    as_text = lambda g: {k: str(v) for k, v in g.items()}  # noqa: E731
    same_answer(as_text(got[0]), singles["02108"])
    same_answer(as_text(got[1]), singles["00901"])
    same_answer(as_text(got[2]), singles["10001"])
    same_answer(as_text(got[3]), singles["00005"])
    assert got[0]["reason"].startswith("read 2108 as ZIP 02108; ")
    assert got[1]["reason"].startswith("read 901 as ZIP 00901; ")
    assert "read" not in got[2]["reason"]  # 10001 is a ZIP code as it is
    assert got[3]["reason"] == "read 5 as ZIP 00005; no such ZIP code"
    assert [g["status"] for g in got[4:]] == ["invalid"] * 4
    assert got[7]["reason"] == "the value is empty"
    same_answer(as_text(fgot[0]), singles["02108"])
    same_answer(as_text(fgot[1]), singles["10001"])
    assert fgot[0]["reason"].startswith("read 2108.0 as ZIP 02108; ")
    assert fgot[1]["reason"].startswith("read 10001.0 as ZIP 10001; ")
    assert [g["status"] for g in fgot[2:]] == ["invalid"] * 5
    assert fgot[3]["reason"] == fgot[4]["reason"] == "the value is empty"  # NaN is an empty cell
    assert fgot[2]["reason"].startswith(BAD_ZIP) and fgot[6]["reason"].startswith(BAD_ZIP)


def test_a_single_lookup_never_pads() -> None:
    singles = locate_json("2108", "901", "10001.0")
    assert singles["2108"]["status"] == "invalid"
    assert singles["901"]["status"] in ("invalid", "not_found")
    assert singles["10001.0"]["status"] in ("invalid", "not_found")
    for a in singles.values():
        assert a["offices"] == [] and "read" not in a["reason"].lower()[:5]


def test_the_spanish_catalog_words_the_repair(ctx: Context) -> None:
    from fieldoffice.core.answer import Reason
    from fieldoffice.lookup.decide import decider
    from fieldoffice.lookup.wording import short, words
    from fieldoffice.web.i18n import translations

    d = decider(ctx).entry(int(decider(ctx).zip_keys[2108]))
    reason = Reason(d.reason.code, dict(d.reason.params, zip_read={"raw": "2108", "zip": "02108"}))
    es = translations("es").gettext
    assert short(reason, es).startswith("se leyó 2108 como el código postal 02108; ")
    assert words(reason, "02108", es).startswith("Se leyó 2108 como el código postal 02108. ")


# -- headers ---------------------------------------------------------------------------------------

RECOGNISED = {
    "lat": ["lat", "Lat", "LAT", "latitude", "Latitude", "LATITUDE", "Latitude (deg)", "LAT_DD",
            "lat_deg", "Lat DD", "lat.deg", "latitude_degrees", "Latitude [°]", "Latitude (WGS84)",
            "decimalLatitude", "DEC_LAT", "latitude_wgs84", " latitude ", "latitudeDeg"],
    "lon": ["lon", "Lon", "lng", "LNG", "long", "Long", "longitude", "Longitude (deg)", "LON_DD",
            "lng_deg", "Long_DD", "decimalLongitude", "Longitude [°E]", "longitude-degrees"],
    "zip": ["zip", "ZIP", "Zip Code", "zip_code", "ZIP-CODE", "zipcode", "ZipCode", "ZIP5",
            "zip_5", "Postal Code", "postal_code", "POSTCODE", "Post Code", "ZIP+4", "Zip (5)"],
    "address": ["address", "Address", "Street Address", "street_address", "FULL_ADDRESS"],
    "place": ["place", "Place", "City, State", "city_state", "Location"],
}  # fmt: skip
NOT_RECOGNISED = ["y", "x", "lt", "la", "latlon", "lat_lon", "coordinates", "zip_city", "zipped",
                  "postal", "longitude_latitude", "dd", "deg", "(lat)", "degrees", "zone", "code",
                  "latitude2", "lat_1", "id", "county_fips", "status"]  # fmt: skip


@pytest.mark.parametrize(("role", "name"), [(r, n) for r, ns in RECOGNISED.items() for n in ns])
def test_an_unambiguous_header_is_recognised(role: str, name: str) -> None:
    other = {"lat": "lon", "lon": "lat"}.get(role)
    names = ["id", name, *([other] if other else [])]
    roles, note = choose_columns(names, lat=None, lon=None, zip=None, address=None, place=None)
    column = {"lat": roles.lat, "lon": roles.lon, "zip": roles.zip}.get(role, roles.place)
    assert column == name and note and "using" in note


@pytest.mark.parametrize("name", NOT_RECOGNISED)
def test_a_header_that_could_mean_anything_is_not(name: str) -> None:
    with pytest.raises(InvalidInput, match="no column says where"):
        choose_columns(["id", name], lat=None, lon=None, zip=None, address=None, place=None)


def test_header_key_is_a_normal_form() -> None:
    for role, names in RECOGNISED.items():
        keys = {header_key(n) for n in names}
        assert len(keys) <= 7, (role, keys)  # a few spellings, not one per header
    assert header_key("Latitude (deg)") == header_key("LATITUDE_DD") == "latitude"


@pytest.mark.parametrize(
    ("names", "flag", "both"),
    [
        (["lat", "LAT_DD", "lon"], "--lat", ("'lat'", "'LAT_DD'")),
        (["Latitude (deg)", "latitude", "lon"], "--lat", ("'Latitude (deg)'", "'latitude'")),
        (["lat", "Longitude (deg)", "lng"], "--lon", ("'Longitude (deg)'", "'lng'")),
        (["Zip Code", "ZIP5", "name"], "--zip", ("'Zip Code'", "'ZIP5'")),
        (["zip", "Postal Code"], "--zip", ("'zip'", "'Postal Code'")),
        (["Latitude (home)", "Latitude (work)", "lon"], "--lat", ("'Latitude (home)'", "'Latitude (work)'")),
        (["zip", "place"], "--zip", ("'zip'", "'place'")),  # (coordinates beside: read first)
    ],
)  # fmt: skip
def test_two_candidates_are_an_error_naming_both(tmp_path: Path, names: list[str], flag: str,
                                                  both: tuple[str, str]) -> None:  # fmt: skip
    src = tmp_path / "in.csv"
    with src.open("w", newline="") as f:
        csv.writer(f).writerows([names, ["1"] * len(names)])
    out = tmp_path / "out.csv"
    line = one_line_error(run("assign", str(src), "-o", str(out)))
    assert all(b in line for b in both) and flag in line, line
    assert not out.exists()


def test_recognised_headers_through_the_command(tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    src.write_text("Site,Latitude (deg),Longitude (deg)\nreno,39.53,-119.81\nmiami,25.77,-80.19\n")
    out = tmp_path / "out.csv"
    r = run("assign", str(src), "-o", str(out))
    assert r.returncode == 0, r.stderr
    assert "using --lat 'Latitude (deg)' --lon 'Longitude (deg)'" in r.stderr
    assert [g["office_id"] for g in rows(out)] == ["san-francisco", "miami|tampa"]
    zsrc = tmp_path / "z.csv"
    zsrc.write_text("Name,Zip Code\nboston,2108\n")
    r = run("assign", str(zsrc), "-o", str(out))
    assert r.returncode == 0 and "using --zip 'Zip Code'" in r.stderr, r.stderr
    assert rows(out)[0]["office_id"] == "boston"


# -- a re-run over an earlier output ----------------------------------------------------------------


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_a_rerun_needs_replace_answers_and_then_replaces_them(tmp_path: Path, suffix: str) -> None:
    src = tmp_path / "in.csv"
    src.write_text("id,zip\n1,2108\n2,89501\n3,abc\n4,33101\n")
    first = tmp_path / f"first{suffix}"
    assert run("assign", str(src), "-o", str(first)).returncode == 1
    second = tmp_path / f"second{suffix}"
    line = one_line_error(run("assign", str(first), "-o", str(second)))
    assert "office_id, office_name, status, county_fips, reason" in line
    assert "--replace-answers" in line
    assert not second.exists()
    r = run("assign", str(first), "-o", str(second), "--replace-answers")
    assert r.returncode == 1 and "Traceback" not in r.stderr, r.stderr
    assert "replacing" in r.stderr
    if suffix == ".csv":
        assert second.read_bytes() == first.read_bytes()
    else:
        assert pq.read_table(second).equals(pq.read_table(first))
    third = tmp_path / f"third{suffix}"
    r = run("assign", str(second), "-o", str(third), "--replace-answers")
    assert r.returncode == 1
    if suffix == ".csv":
        assert third.read_bytes() == first.read_bytes()


def test_replace_answers_replaces_stale_answers_wherever_they_are(tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    src.write_text(
        "status,zip,office_id,note,reason,county_fips,office_name\n"
        "old,89501,wrong,keep me,stale,00000,Nobody\n"
    )
    out = tmp_path / "out.csv"
    line = one_line_error(run("assign", str(src), "-o", str(out)))
    assert "--replace-answers" in line
    r = run("assign", str(src), "-o", str(out), "--replace-answers")
    assert r.returncode == 0, r.stderr
    (row,) = rows(out)
    assert list(row) == ["zip", "note", "office_id", "office_name", "status", "county_fips",
                         "reason"]  # fmt: skip
    assert (row["zip"], row["note"], row["office_id"], row["status"]) == (
        "89501", "keep me", "san-francisco", "matched",
    )  # fmt: skip


def test_one_answer_column_is_refused_too(tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    src.write_text("zip,status\n89501,active\n")
    line = one_line_error(run("assign", str(src), "-o", str(tmp_path / "o.csv")))
    assert "a column named status" in line and "--replace-answers" in line
