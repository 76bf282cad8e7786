"""`fieldoffice assign` against hostile input: every row kept, the right headers, never a traceback."""

from __future__ import annotations

import csv
import io
import os
import signal
import subprocess
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from tests.cli.test_commands import EXE, run

RENO = (39.53, -119.81)
MIAMI = (25.77, -80.19)


def rows(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))


def no_traceback(r: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in r.stderr, r.stderr


def test_parquet_parts_are_aligned_by_column_name(tmp_path: Path) -> None:
    parts = tmp_path / "parts"
    parts.mkdir()
    pq.write_table(pa.table({"id": ["a", "b"], "lat": [RENO[0], MIAMI[0]], "lon": [RENO[1], MIAMI[1]]}),
                   parts / "p0.parquet")  # fmt: skip
    pq.write_table(
        pa.table({"lon": [RENO[1]], "id": ["c"], "lat": [RENO[0]]}), parts / "p1.parquet"
    )
    out = tmp_path / "out.csv"
    r = run("assign", str(parts), "-o", str(out))
    no_traceback(r)
    assert r.returncode == 0, r.stderr
    got = rows(out)
    assert list(got[0])[:3] == ["id", "lat", "lon"]
    assert [(g["id"], g["lat"], g["lon"]) for g in got] == [
        ("a", "39.53", "-119.81"), ("b", "25.77", "-80.19"), ("c", "39.53", "-119.81"),
    ]  # fmt: skip
    assert [g["office_id"] for g in got] == ["san-francisco", "miami|tampa", "san-francisco"]
    pq_out = tmp_path / "out.parquet"
    r = run("assign", str(parts), "-o", str(pq_out))
    no_traceback(r)
    assert r.returncode == 0, r.stderr
    table = pq.read_table(pq_out)
    assert table.column_names[:3] == ["id", "lat", "lon"]
    assert table.column("id").to_pylist() == ["a", "b", "c"]
    assert table.column("lon").to_pylist() == [RENO[1], MIAMI[1], RENO[1]]


@pytest.mark.parametrize(
    ("second", "column"),
    [
        ({"id": ["c"], "lat": [1.0]}, "'lon'"),
        ({"id": ["c"], "lat": [1.0], "lon": [2.0], "x": [3]}, "'x'"),
    ],
)
def test_a_part_with_other_columns_is_a_clear_error(tmp_path: Path, second: dict[str, list[object]],
                                                     column: str) -> None:  # fmt: skip
    parts = tmp_path / "parts"
    parts.mkdir()
    pq.write_table(
        pa.table({"id": ["a"], "lat": [RENO[0]], "lon": [RENO[1]]}), parts / "p0.parquet"
    )
    pq.write_table(pa.table(second), parts / "p1.parquet")
    for target in ("out.csv", "out.parquet"):
        r = run("assign", str(parts), "-o", str(tmp_path / target))
        no_traceback(r)
        assert r.returncode == 2
        assert "p1.parquet" in r.stderr and column in r.stderr
        assert not (tmp_path / target).exists()
        assert not list(tmp_path.glob(".*tmp*"))


def test_a_ragged_and_a_latin1_row_are_kept_as_invalid(tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    body = "".join(f"{i},{RENO[0]},{RENO[1]}\n" for i in range(1, 200_001))
    src.write_bytes(
        b"id,lat,lon\n"
        + body.encode()
        + b"x,25.77\ny,caf\xe9,-80\n"
        + f"z,{MIAMI[0]},{MIAMI[1]}\n".encode()
    )
    out = tmp_path / "out.csv"
    r = run("assign", str(src), "-o", str(out))
    no_traceback(r)
    assert r.returncode == 1, r.stderr
    got = rows(out)
    assert list(got[0]) == [
        "id",
        "lat",
        "lon",
        "office_id",
        "office_name",
        "status",
        "county_fips",
        "reason",
    ]
    assert len(got) == 200_003
    assert got[0]["id"] == "1" and got[199_999]["id"] == "200000"
    ragged, latin, last = got[-3:]
    assert ragged["status"] == "invalid" and ragged["id"] == ""
    assert ragged["reason"].startswith("line 200002: 2 fields") and "x,25.77" in ragged["reason"]
    assert latin["status"] == "invalid" and latin["id"] == "y" and latin["lat"] == ""
    assert latin["reason"].startswith("line 200003: ") and "--encoding latin-1" in latin["reason"]
    assert last["id"] == "z" and last["office_id"] == "miami|tampa"
    assert "invalid 2" in r.stderr


def test_a_latin1_header_is_a_clear_error_and_encoding_reads_it(tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    src.write_bytes(b"id,caf\xe9,lat,lon\n1,cr\xe8me,39.53,-119.81\n")
    out = tmp_path / "out.csv"
    r = run("assign", str(src), "-o", str(out))
    no_traceback(r)
    assert r.returncode == 2
    assert "line 1" in r.stderr and "--encoding latin-1" in r.stderr
    r = run("assign", str(src), "-o", str(out), "--encoding", "latin-1")
    assert r.returncode == 0, r.stderr
    (row,) = rows(out)
    assert row["café"] == "crème" and row["office_id"] == "san-francisco"


def test_an_unknown_encoding_is_a_clear_error(tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    src.write_text("lat,lon\n39.53,-119.81\n")
    r = run("assign", str(src), "-o", str(tmp_path / "o.csv"), "--encoding", "klingon")
    no_traceback(r)
    assert r.returncode == 2 and "klingon" in r.stderr


def test_unsupported_parquet_types(tmp_path: Path) -> None:
    src = tmp_path / "in.parquet"
    pq.write_table(pa.table({"lat": pa.array([[1.0]]), "lon": [RENO[1]], "tags": pa.array([[1, 2]]),
                             "blob": pa.array([b"\x00"])}), src)  # fmt: skip
    r = run("assign", str(src), "-o", str(tmp_path / "o.csv"))
    no_traceback(r)
    assert r.returncode == 2 and "'lat'" in r.stderr and "list<" in r.stderr
    ok = tmp_path / "ok.parquet"
    pq.write_table(pa.table({"lat": [RENO[0]], "lon": [RENO[1]], "tags": pa.array([[1, 2]]),
                             "blob": pa.array([b"\x00"])}), ok)  # fmt: skip
    r = run("assign", str(ok), "-o", str(tmp_path / "o.parquet"))
    assert r.returncode == 0, r.stderr
    table = pq.read_table(tmp_path / "o.parquet")
    assert table.column("tags").to_pylist() == [[1, 2]]
    assert table.column("office_id").to_pylist() == ["san-francisco"]
    r = run("assign", str(ok), "-o", str(tmp_path / "o.csv"))
    no_traceback(r)
    assert r.returncode == 2 and "'tags'" in r.stderr and "Parquet" in r.stderr


@pytest.mark.parametrize("name", ["o.csv", "o.parquet"])
def test_an_unwritable_output_folder_is_a_clear_error(tmp_path: Path, name: str) -> None:
    src = tmp_path / "in.csv"
    src.write_text("lat,lon\n39.53,-119.81\n")
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    # root writes anywhere: /proc refuses new files even to root
    target = Path("/proc") / name if os.geteuid() == 0 else locked / name
    try:
        r = run("assign", str(src), "-o", str(target))
    finally:
        locked.chmod(0o700)
    no_traceback(r)
    assert r.returncode == 2 and f"cannot write {target}" in r.stderr


@pytest.fixture(scope="module")
def big_csv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("big") / "big.csv"
    rng = np.random.default_rng(3)
    n = 3_000_000
    lat, lon = rng.uniform(25, 49, n), rng.uniform(-124, -67, n)
    with path.open("w") as f:
        f.write("lat,lon\n")
        np.savetxt(f, np.column_stack([lat, lon]), fmt="%.5f", delimiter=",")
    return path


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_removes_the_temp_output(
    big_csv: Path, tmp_path: Path, sig: signal.Signals
) -> None:
    out = tmp_path / "out.csv"
    proc = subprocess.Popen([EXE, "assign", str(big_csv), "-o", str(out)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)  # fmt: skip
    deadline = time.monotonic() + 60
    while not list(tmp_path.glob(".*tmp*")) and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.5)
    assert proc.poll() is None, "assign finished before it could be stopped"
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode != 0
    assert "Traceback" not in err, err
    assert not list(tmp_path.glob(".*tmp*"))
    assert not out.exists()


def test_a_stray_quote_costs_one_row_and_a_tsv_row_too(tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    src.write_text('id,lat,lon\n3,"x\ny",-80\n1,"39.53,-119.81\n2,25.77,-80.19\n4,39.53,-119.81\n')
    out = tmp_path / "out.csv"
    r = run("assign", str(src), "-o", str(out))
    no_traceback(r)
    assert r.returncode == 1, r.stderr
    got = rows(out)
    assert [g["id"] for g in got] == ["3", "", "2", "4"]
    assert got[0]["lat"] == "x\ny" and got[0]["status"] == "invalid"  # a quoted newline: one row
    assert got[1]["status"] == "invalid" and got[1]["reason"].startswith("line 4: 2 fields")
    assert [g["office_id"] for g in got[2:]] == ["miami|tampa", "san-francisco"]
    tsv = tmp_path / "in.tsv"
    tsv.write_bytes(b"zip\tname\n89501\tReno\n\xff\xfe\tbad\n89501\t\tx\n")
    r = run("assign", str(tsv), "-o", str(tmp_path / "out.tsv"))
    no_traceback(r)
    assert r.returncode == 1, r.stderr
    text = (tmp_path / "out.tsv").read_text(encoding="utf-8").splitlines()
    assert text[0].split("\t")[:3] == ['"zip"', '"name"', '"office_id"']
    assert len(text) == 4 and "line 3: " in text[2] and "line 4: 3 fields" in text[3]
