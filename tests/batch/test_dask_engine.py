"""The Dask engine answers as the local engine does, file for file: forgiving ZIP codes, headers,
--replace-answers, Parquet parts in any column order, rows that cannot be parsed.

Both engines run through the real command on the same input; the Dask runs share one cluster
(`--scheduler`), so each costs a connection, not a cluster start."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from fieldoffice.directory.context import Context
from tests.cli.test_commands import run

pytest.importorskip("distributed")

RENO = (39.53, -119.81)
MIAMI = (25.77, -80.19)


@pytest.fixture(scope="module")
def scheduler() -> Iterator[str]:
    from distributed import LocalCluster

    cluster = LocalCluster(n_workers=1, threads_per_worker=1, processes=True, host="127.0.0.1",
                           dashboard_address=None)  # fmt: skip
    try:
        yield str(cluster.scheduler_address)
    finally:
        cluster.close()


def counts(stderr: str) -> str:
    """The summary's statuses, without its timing."""
    found = re.findall(r"rows/s\)(?::\s*(.*))?$", stderr, flags=re.M)
    assert found, stderr
    return found[-1]


def output(path: Path) -> object:
    if path.is_dir():
        parts = sorted(path.glob("part.*.parquet"), key=lambda p: int(p.name.split(".")[1]))
        return pa.concat_tables([pq.read_table(p) for p in parts]).replace_schema_metadata(None)
    if path.suffix == ".parquet":
        return pq.read_table(path).replace_schema_metadata(None)
    return path.read_bytes()


def both(scheduler: str, src: Path, target: str, *flags: str) -> tuple[object, subprocess.CompletedProcess[str]]:  # fmt: skip
    """Run both engines on src; they must agree on the exit code, the message or the summary,
    and the output. Returns the output and the local run."""
    folder = target.endswith("/")  # Dask's workers write the parts; the local engine one file
    local_out = src.parent / f"local-{target.rstrip('/') + ('.parquet' if folder else '')}"
    dask_out = src.parent / f"dask-{target.rstrip('/')}"
    local = run("assign", str(src), "-o", str(local_out), *flags)
    dask = run("assign", str(src), "-o", str(dask_out) + ("/" if folder else ""),
               *flags, "--engine", "dask", "--scheduler", scheduler)  # fmt: skip
    for r in (local, dask):
        assert "Traceback" not in r.stderr, r.stderr
    assert local.returncode == dask.returncode, (local.stderr, dask.stderr)
    if local.returncode == 2:
        assert local.stderr == dask.stderr
        assert not local_out.exists() and not dask_out.exists()
        return None, local
    assert counts(local.stderr) == counts(dask.stderr), (local.stderr, dask.stderr)
    local_got = output(local_out)
    assert local_got == output(dask_out) if isinstance(local_got, bytes) else local_got.equals(output(dask_out))  # type: ignore[attr-defined]  # fmt: skip
    return local_got, local


def zips_csv(path: Path) -> Path:
    path.write_text(
        "id,Zip Code\n1,2108\n2,02108\n3,901\n4,10001.0\n5, 2108 \n6,0901\n7,abc\n8,\n9,89501\n"
    )
    return path


@pytest.mark.parametrize("target", ["out.csv", "out.parquet", "out/"])
def test_forgiving_zips_and_headers_agree(scheduler: str, tmp_path: Path, target: str) -> None:
    got, r = both(scheduler, zips_csv(tmp_path / "in.csv"), target)
    assert r.returncode == 1 and "using --zip 'Zip Code'" in r.stderr
    if target == "out.csv":
        assert isinstance(got, bytes)
        assert b"read 2108 as ZIP 02108; Suffolk County, MA" in got
        assert b"read 10001.0 as ZIP 10001; " in got and b"read 901 as ZIP 00901; " in got


def test_numeric_zip_parts_agree(scheduler: str, tmp_path: Path) -> None:
    parts = tmp_path / "parts"
    parts.mkdir()
    pq.write_table(pa.table({"zip": pa.array([2108, 10001, None, 0], pa.int64()), "n": [1, 2, 3, 4]}),
                   parts / "a.parquet")  # fmt: skip
    pq.write_table(pa.table({"n": [5, 6], "zip": pa.array([901.0, 89501.0], pa.float64())}),
                   parts / "b.parquet")  # fmt: skip
    got, r = both(scheduler, parts, "out.parquet")
    assert r.returncode == 1 and isinstance(got, pa.Table)  # None and 0 are no ZIP codes
    assert got.column("n").to_pylist() == [1, 2, 3, 4, 5, 6]
    assert got.column("zip").to_pylist() == [2108, 10001, None, 0, 901, 89501]
    reasons = got.column("reason").to_pylist()
    assert reasons[0].startswith("read 2108 as ZIP 02108; ")
    assert reasons[4].startswith("read 901 as ZIP 00901; ") and "read" not in reasons[5]
    fgot, _ = both(scheduler, parts / "b.parquet", "floats.csv")
    assert isinstance(fgot, bytes) and b"read 901.0 as ZIP 00901; " in fgot


@pytest.mark.parametrize("target", ["out.csv", "out.parquet", "out/"])
def test_parts_in_any_column_order_keep_every_value_under_its_header(scheduler: str, tmp_path: Path,
                                                                     target: str) -> None:  # fmt: skip
    parts = tmp_path / "parts"
    parts.mkdir()
    rng = np.random.default_rng(4)
    orders = [["ID", "Latitude (deg)", "LON_DD", "tag"], ["LON_DD", "tag", "ID", "Latitude (deg)"],
              ["tag", "Latitude (deg)", "ID", "LON_DD"]]  # fmt: skip
    start = 0
    for i, order in enumerate(orders):
        n = 50 + 10 * i
        columns = {
            "ID": pa.array(np.arange(start, start + n), pa.int64() if i != 1 else pa.int32()),
            "Latitude (deg)": rng.uniform(25, 48, n).round(4),
            "LON_DD": rng.uniform(-123, -70, n).round(4),
            "tag": [f"t{start + j}" for j in range(n)],
        }
        pq.write_table(pa.table({k: columns[k] for k in order}), parts / f"p{i}.parquet")
        start += n
    got, r = both(scheduler, parts, target)
    assert r.returncode == 0, r.stderr
    assert "using --lat 'Latitude (deg)' --lon LON_DD" in r.stderr
    if isinstance(got, pa.Table):
        assert got.column_names[:4] == orders[0]
        assert got.column("ID").to_pylist() == list(range(start))
        assert got.column("tag").to_pylist() == [f"t{j}" for j in range(start)]
        lat = np.array(got.column("Latitude (deg)").to_pylist())
        assert ((lat > 24) & (lat < 49)).all()
    else:
        assert isinstance(got, bytes)
        lines = got.decode().splitlines()
        assert lines[0].startswith('"ID","Latitude (deg)","LON_DD","tag","office_id"')
        assert [line.split(",")[0] for line in lines[1:]] == [str(j) for j in range(start)]


@pytest.mark.parametrize(
    "header", ["lat,LAT_DD,lon", "Zip Code,ZIP5", "a,b", "Latitude (deg),name"]
)
def test_the_same_errors(scheduler: str, tmp_path: Path, header: str) -> None:
    src = tmp_path / "in.csv"
    src.write_text(header + "\n" + ",".join("1" for _ in header.split(",")) + "\n")
    got, r = both(scheduler, src, "out.csv")
    assert r.returncode == 2 and got is None


def test_replace_answers_agrees(scheduler: str, tmp_path: Path) -> None:
    first = tmp_path / "first.parquet"
    assert run("assign", str(zips_csv(tmp_path / "in.csv")), "-o", str(first)).returncode == 1
    _, r = both(scheduler, first, "again.parquet")
    assert r.returncode == 2 and "--replace-answers" in r.stderr
    got, r = both(scheduler, first, "again.parquet", "--replace-answers")
    assert r.returncode == 1 and isinstance(got, pa.Table)
    assert got.equals(pq.read_table(first).replace_schema_metadata(None))
    csv_first = tmp_path / "first.csv"
    run("assign", str(tmp_path / "in.csv"), "-o", str(csv_first))
    got, _ = both(scheduler, csv_first, "again.csv", "--replace-answers")
    assert got == csv_first.read_bytes()


def test_rows_that_cannot_be_parsed_agree(scheduler: str, tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    src.write_bytes(
        b"id,lat,lon\n1,39.53,-119.81\nx,25.77\ny,caf\xe9,-80\n"
        b'3,"x\ny",-80\n4,"39.53,-119.81\n5,25.77,-80.19\nw,1,2,3\n6,25.77,-80.19\n'
    )
    got, r = both(scheduler, src, "out.csv")
    assert r.returncode == 1 and isinstance(got, bytes)
    text = got.decode()
    for reason in ("line 3: 2 fields", "line 4: not utf-8 text in 'lat'", "line 7: 2 fields",
                   "line 9: 4 fields"):  # fmt: skip
        assert reason in text, text


def test_small_pieces_keep_order_and_line_numbers(
    scheduler: str, tmp_path: Path, ctx: Context, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Many partitions: each CSV piece knows the line it starts on; Parquet row groups split."""
    from fieldoffice.batch import dask_engine as batch_dask
    from fieldoffice.batch import files as batch_io
    from fieldoffice.batch.assign import run_assign

    src = tmp_path / "in.csv"
    lines = [f"{i},{RENO[0] if i % 2 else MIAMI[0]},{RENO[1] if i % 2 else MIAMI[1]}" for i in range(400)]  # fmt: skip
    for at in (37, 150, 151, 399):
        lines[at] = f"{at},oops"
    src.write_text("id,lat,lon\n" + "\n".join(lines) + "\n")
    pqsrc = tmp_path / "in.parquet"
    pq.write_table(pa.table({"id": list(range(400)), "zip": ["89501", "2108"] * 200}), pqsrc,
                   row_group_size=37)  # fmt: skip
    monkeypatch.setattr(batch_dask, "CSV_PIECE_BYTES", 500)
    monkeypatch.setattr(batch_io, "PIECE_BYTES", 100)
    assert len(batch_io.parquet_source(str(pqsrc)).pieces) > 5
    for source, name in ((src, "csv"), (pqsrc, "parquet")):
        local, dask = tmp_path / f"l-{name}.csv", tmp_path / f"d-{name}.csv"
        flags: dict[str, str | None] = {"lat": None, "lon": None, "zip": None, "address": None,
                                        "place": None}  # fmt: skip
        a = run_assign(ctx, str(source), str(local), flags, progress=False)
        b = batch_dask.run_assign_dask(ctx, str(source), str(dask), flags, scheduler=scheduler)
        assert a.statuses == b.statuses and a.rows == b.rows == 400
        assert local.read_bytes() == dask.read_bytes()
    text = (tmp_path / "d-csv.csv").read_text()
    for at in (37, 150, 151, 399):
        assert f"line {at + 2}: 2 fields, the header has 3: {at},oops" in text


def test_an_old_latin_1_export_reads_alike_with_encoding(scheduler: str, tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    src.write_bytes(
        "name,lat,lon\nCafé Reno,39.53,-119.81\nSão Miami,25.77,-80.19\n".encode("latin-1")
    )
    got, r = both(scheduler, src, "out.csv", "--encoding", "latin-1")
    assert r.returncode == 0 and isinstance(got, bytes)
    assert "Café Reno" in got.decode() and "São Miami" in got.decode()
    _, r = both(scheduler, src, "out2.csv")  # without it: kept, but invalid, in both
    assert r.returncode == 1
