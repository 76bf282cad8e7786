"""Snapshots: built once and reused, rebuilt when what they come from changes or when damaged, never
in the way (an unusable cache folder only means building in memory), and a context loaded from them
answers exactly as one built from the data files."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from fieldoffice.core import snapshot
from fieldoffice.directory import context as context_module
from fieldoffice.directory.context import Context, clear_caches, load_context
from fieldoffice.geo.gazetteer import data_path, place_tables, read_zips
from fieldoffice.lookup.locate import Locator
from fieldoffice.lookup.render import answer_body

SECTIONS = ("geo", "regions", "context")
DIRECTORY = data_path("directory.toml")


def snaps(cache: Path) -> dict[str, Path]:
    """kind -> its snapshot file (one of each kind expected)."""
    out: dict[str, Path] = {}
    for p in sorted(cache.glob("*.snap")):
        kind = p.name[: -len("-0123456789abcdef01234567.snap")]
        assert kind not in out, f"two {kind} snapshots: {sorted(cache.iterdir())}"
        out[kind] = p
    return out


def mtimes(cache: Path) -> dict[str, int]:
    return {p.name: p.stat().st_mtime_ns for p in cache.glob("*.snap")}


@pytest.fixture(autouse=True)
def _fresh_process_state() -> Iterator[None]:
    """Each test starts as a new process would, and leaves nothing loaded from its folders."""
    clear_caches()
    yield
    clear_caches()


@pytest.fixture(scope="module")
def warm(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A cache folder with the shipped context's snapshots, built once for the module."""
    cache = tmp_path_factory.mktemp("warm")
    env = {**os.environ, snapshot.CACHE_ENV: str(cache)}
    env.pop("FIELDOFFICE_DIRECTORY", None)
    code = (
        "from fieldoffice.directory.context import load_context; print(load_context().store.builds)"
    )
    r = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert int(r.stdout) == 3  # geo, regions, context
    assert set(snaps(cache)) == set(SECTIONS)
    return cache


@pytest.fixture
def cache(warm: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the warm folder for one test, in use through $FIELDOFFICE_CACHE."""
    mine = tmp_path / "cache"
    shutil.copytree(warm, mine)
    monkeypatch.setenv(snapshot.CACHE_ENV, str(mine))
    monkeypatch.delenv("FIELDOFFICE_DIRECTORY", raising=False)
    return mine


def builds(ctx: Context) -> int:
    assert ctx.store is not None
    return ctx.store.builds


# -- built once, reused ------------------------------------------------------------------------------
def test_second_load_reads_and_builds_nothing(cache: Path) -> None:
    before = mtimes(cache)
    ctx = load_context()
    assert builds(ctx) == 0
    assert mtimes(cache) == before
    assert ctx.key and ctx.directory.offices


def test_a_new_process_reuses_the_snapshots(cache: Path) -> None:
    before = mtimes(cache)
    code = (
        "from fieldoffice.directory.context import load_context; print(load_context().store.builds)"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert r.stdout.strip() == "0"
    assert mtimes(cache) == before


# -- rebuilt when a source changes ------------------------------------------------------------------
def test_changing_the_directory_file_rebuilds_its_context_only(cache: Path, tmp_path: Path) -> None:
    path = tmp_path / "dir.toml"
    text = DIRECTORY.read_text()
    path.write_text(text)
    first = load_context(path)
    assert builds(first) == 1  # the context; geography and regions are reused
    assert first.directory.title in text

    path.write_text(text.replace(first.directory.title, "A Renamed Directory", 1))
    clear_caches()
    second = load_context(path)
    assert builds(second) == 1
    assert second.directory.title == "A Renamed Directory"
    assert second.key != first.key

    clear_caches()
    assert builds(load_context(path)) == 0  # and now that one is reused
    assert len(list(cache.glob("context-*.snap"))) == 3  # shipped, first and second contents


def test_a_folder_of_versions_is_keyed_by_every_file(cache: Path, tmp_path: Path) -> None:
    folder = tmp_path / "versions"
    folder.mkdir()
    text = DIRECTORY.read_text()
    (folder / "a.toml").write_text(text)
    first = load_context(folder)
    assert builds(first) == 1
    date = first.directory.effective_date.isoformat()
    later = text.replace(f'effective_date = "{date}"', 'effective_date = "2099-01-01"', 1)
    assert later != text
    (folder / "b.toml").write_text(later)
    clear_caches()
    second = load_context(folder)
    assert builds(second) == 1
    assert second.directory.effective_date.isoformat() == "2099-01-01"
    clear_caches()
    older = load_context(folder, as_of=first.directory.effective_date)
    assert builds(older) == 0  # one snapshot holds every version
    assert older.directory.effective_date == first.directory.effective_date
    assert older.key != second.key


def test_changing_the_regions_file_rebuilds_regions_and_context(
    cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    regions = tmp_path / "regions.toml"
    regions.write_text(data_path("regions.toml").read_text())

    def patched(name: str) -> Path:
        return regions if name == "regions.toml" else data_path(name)

    monkeypatch.setattr(context_module, "data_path", patched)
    assert builds(load_context()) == 0  # same content, same key
    first_name = next(r.name for r in load_context().regions.values())
    text = regions.read_text()
    assert f'name = "{first_name}"' in text
    regions.write_text(text.replace(f'name = "{first_name}"', 'name = "Renamed Region"', 1))
    clear_caches()
    ctx = load_context()
    assert builds(ctx) == 2
    assert "Renamed Region" in {r.name for r in ctx.regions.values()}


def test_a_new_format_version_rebuilds_everything(
    cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(snapshot, "FORMAT_VERSION", snapshot.FORMAT_VERSION + 1000)
    assert builds(load_context()) == 3


# -- damaged files ------------------------------------------------------------------------------------
@pytest.mark.parametrize("kind", SECTIONS)
@pytest.mark.parametrize("damage", ["truncated", "flipped byte", "garbage", "empty"])
def test_a_damaged_snapshot_is_rebuilt(cache: Path, kind: str, damage: str) -> None:
    path = snaps(cache)[kind]
    data = bytearray(path.read_bytes())
    if damage == "truncated":
        data = data[: len(data) // 2]
    elif damage == "flipped byte":
        data[len(data) - 7] ^= 0x55
    elif damage == "garbage":
        data = bytearray(os.urandom(len(data)))
    else:
        data = bytearray()
    path.write_bytes(bytes(data))
    ctx = load_context()
    assert builds(ctx) >= 1
    assert Locator(ctx).locate("Reno, NV").offices[0].id == "san-francisco"
    for p in cache.glob("*.snap"):  # whatever is there now is whole
        snapshot.read(p, json.loads(_header(p))["key"])


def _header(path: Path) -> bytes:
    with open(path, "rb") as f:
        prefix = f.read(snapshot._PREFIX.size)
        _, length, _, _ = snapshot._PREFIX.unpack(prefix)
        return f.read(length)


def test_a_file_under_another_key_is_not_used(cache: Path) -> None:
    path = snaps(cache)["context"]
    snap = snapshot.read(path, json.loads(_header(path))["key"])
    with pytest.raises(snapshot.SnapshotError):
        snapshot.read(path, "0" * 64)
    assert snap.arrays["pickle"].flags.writeable is False


def test_a_dead_writers_temporary_file_is_ignored_then_removed(cache: Path) -> None:
    geo = snaps(cache)["geo"]
    tmp = cache / f".{geo.name}.12345.deadbeef.tmp"
    tmp.write_bytes(geo.read_bytes()[:1000])  # a writer killed half way
    os.utime(tmp, (time.time() - 7200, time.time() - 7200))
    geo.unlink()
    ctx = load_context()
    assert builds(ctx) == 1
    assert not tmp.exists()  # cleaned up by the next write
    assert snaps(cache)["geo"].name == geo.name


def test_killed_while_writing_leaves_no_torn_snapshot(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    env = {**os.environ, snapshot.CACHE_ENV: str(cache)}
    code = "from fieldoffice.directory.context import load_context; load_context()"
    for delay in (0.3, 1.0, 2.0):
        p = subprocess.Popen([sys.executable, "-c", code], env=env)
        time.sleep(delay)
        p.send_signal(signal.SIGKILL)
        p.wait()
        for f in cache.glob("*.snap"):
            snapshot.read(f, json.loads(_header(f))["key"])  # every file there is whole
    r = subprocess.run(
        [sys.executable, "-c", code + "; print('ok')"], env=env, capture_output=True, text=True
    )
    assert r.stdout.strip() == "ok", r.stderr


def test_processes_building_at_once_all_succeed(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    env = {**os.environ, snapshot.CACHE_ENV: str(cache)}
    env.pop("FIELDOFFICE_DIRECTORY", None)
    code = (
        "from fieldoffice.directory.context import load_context; from fieldoffice.lookup.locate import Locator; "
        "print(Locator(load_context()).locate('Reno, NV').offices[0].id)"
    )
    procs = [
        subprocess.Popen([sys.executable, "-c", code], env=env, stdout=subprocess.PIPE, text=True)
        for _ in range(3)
    ]
    outs = [p.communicate(timeout=300)[0].strip() for p in procs]
    assert outs == ["san-francisco"] * 3
    # one of each kind however many processes built at once (snaps() refuses two of a kind): the
    # sections, and what a first lookup derives once (named areas, every place's decision key,
    # which needs the point index and the boundary-tolerance index)
    built = set(snaps(cache))
    assert set(SECTIONS) <= built
    assert built - set(SECTIONS) <= {
        "areas",
        "index",
        "polygons",
        "derived-place-keys",
        "derived-near-index",
    }
    assert not list(cache.glob(".*.tmp"))


# -- an unusable cache folder ------------------------------------------------------------------------
def test_an_unwritable_cache_folder_still_works(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv(snapshot.CACHE_ENV, str(blocker / "cache"))  # cannot be created
    ctx = load_context()
    assert ctx.store is None
    assert Locator(ctx).locate("Reno, NV").offices[0].id == "san-francisco"
    calls = []

    def build() -> dict[str, np.ndarray]:  # type: ignore[type-arg]
        calls.append(1)
        return {"x": np.arange(3)}

    assert ctx.derived_arrays("test-unwritable", build)["x"].tolist() == [0, 1, 2]
    assert ctx.derived_arrays("test-unwritable", build)["x"].tolist() == [0, 1, 2]
    assert calls == [1]


def test_a_cache_folder_that_refuses_writes_still_works(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(snapshot.CACHE_ENV, str(tmp_path / "cache"))

    def refuse(*args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(snapshot, "write", refuse)
    ctx = load_context()
    assert ctx.store is not None and ctx.store.builds == 0
    assert not list((tmp_path / "cache").iterdir())
    assert Locator(ctx).locate("89501").offices[0].id == "san-francisco"


# -- derived arrays and memos ------------------------------------------------------------------------
def test_derived_arrays_are_stored_and_mapped_next_time(cache: Path) -> None:
    calls = []

    def build() -> dict[str, np.ndarray]:  # type: ignore[type-arg]
        calls.append(1)
        return {
            "n": np.arange(10, dtype=np.int32),
            "scale": np.asarray(2.5),
            "flag": np.ones(3, bool),
        }

    ctx = load_context()
    first = ctx.derived_arrays("test-derived", build)
    assert calls == [1] and first["n"].tolist() == list(range(10))
    assert ctx.derived_arrays("test-derived", build) is first  # memoised in the process
    clear_caches()
    again = load_context().derived_arrays("test-derived", build)
    assert calls == [1]  # not built again: read from the snapshot
    assert again["scale"].shape == () and float(again["scale"]) == 2.5
    assert again["n"].dtype == np.int32 and again["flag"].dtype == bool
    assert not again["n"].flags.writeable
    assert len(list(cache.glob("derived-test-derived-*.snap"))) == 1
    clear_caches()
    load_context().derived_arrays("test-derived", build, version=2)
    assert calls == [1, 1]  # another version is another snapshot


def test_derived_array_names_are_checked(cache: Path) -> None:
    with pytest.raises(ValueError):
        load_context().derived_arrays("../escape", lambda: {})


def test_memo_makes_each_object_once_even_from_many_threads(cache: Path) -> None:
    ctx = load_context()
    made = []

    def factory() -> object:
        made.append(1)
        time.sleep(0.05)
        return object()

    got: list[object] = []
    threads = [
        threading.Thread(target=lambda: got.append(ctx.memo("test-memo", factory)))
        for _ in range(8)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert made == [1] and len({id(g) for g in got}) == 1


# -- the same answers -------------------------------------------------------------------------------
QUERIES = [
    "Reno, NV", "Reno NV", "Saint Paul, Minnesota", "St. Louis, MO", "Thermal, CA",
    "Salt Lake City, UT", "Kenedy, TX", "Washington, DC", "San Juan, PR",
    "89501", "89501-1234", "10001", "00000", "09001", "96939", "20500",
    "Washoe County, NV", "Richmond city, VA", "Orleans Parish, LA", "Juneau City and Borough, AK",
    "De Kalb County, IL", "Washoe, NV", "the Bronx County, NY",
    "Texas", "TX", "Virginia", "Washington State", "D.C.", "Puerto Rico", "Guam",
    "39.53, -119.81", "36.1147, -115.1728", "25.7617, -80.1918", "37.5407, -77.4360",
    "38.0, -75.0", "-119.81, 39.53", "0, 0",
    "1600 Pennsylvania Ave NW, Washington, DC 20500", "600 Montgomery St, San Francisco, CA",
    "Springfeld, Ilinois", "Xyzzyville, ZZ", "", "91, 0", "1234",
]  # fmt: skip


@pytest.fixture(scope="module")
def fresh() -> Context:
    """A context built from the data files with no snapshot at all."""
    old = os.environ.get(snapshot.CACHE_ENV)
    os.environ[snapshot.CACHE_ENV] = "/dev/null/no-cache"
    clear_caches()
    try:
        ctx = load_context()
    finally:
        if old is None:
            del os.environ[snapshot.CACHE_ENV]
        else:
            os.environ[snapshot.CACHE_ENV] = old
        clear_caches()
    assert ctx.store is None
    return ctx


def test_snapshot_context_answers_as_a_fresh_one(fresh: Context, cache: Path) -> None:
    mapped = load_context()
    assert builds(mapped) == 0
    a, b = Locator(fresh), Locator(mapped)
    for q in QUERIES:
        assert answer_body(a.locate(q)) == answer_body(b.locate(q)), q
    assert b.locate_point(lat=39.53, lon=-119.81) == a.locate_point(lat=39.53, lon=-119.81)


def test_snapshot_context_holds_the_same_data(fresh: Context, cache: Path) -> None:
    mapped = load_context()
    g, h = fresh.gazetteer, mapped.gazetteer
    assert g.counties == h.counties and g.county_by_fips == h.county_by_fips
    assert g.states == h.states and g.state_by_usps == h.state_by_usps
    assert g.counties_version == h.counties_version and g.zips_version == h.zips_version
    assert all(g.county_point(c.fips) == h.county_point(c.fips) for c in g.counties)
    assert [g.state_counties(s.usps) for s in g.states] == [
        h.state_counties(s.usps) for s in h.states
    ]
    assert mapped.directory == fresh.directory
    assert mapped.regions == fresh.regions and mapped.regions_version == fresh.regions_version
    assert mapped.territories == fresh.territories
    # and the column views read back what the plain tables hold
    _, zips = read_zips(g.data_dir / "zips.csv.gz")
    places, names = place_tables(zips)
    assert h.zips.as_dict() == zips and list(h.zips) == list(zips) and len(h.zips) == len(zips)
    assert dict(h.places) == places and dict(h.place_names) == names
    assert dict(h.place_names.items()) == names
    assert "89501" in h.zips and "8950" not in h.zips and None not in h.zips
    assert h.zips.get("99999") is None and h.places.get(("NV", "nowhere")) is None
    assert [z.zip for z in h.place_zips("NV", "reno")] == places[("NV", "reno")]
    assert (h.polygons == g.polygons).all()
    lat, lon = np.random.default_rng(1).uniform([24, -125], [50, -66], (2000, 2)).T
    assert (g.index.lookup(lat=lat, lon=lon) == h.index.lookup(lat=lat, lon=lon)).all()


# -- what each command imports -----------------------------------------------------------------------
def _modules_after(cache: Path, *argv: str) -> set[str]:
    code = textwrap.dedent(
        f"""
        import atexit, sys
        atexit.register(lambda: print("\\n" + " ".join(sorted(sys.modules)), file=sys.stderr))
        sys.argv = ["fieldoffice", *{list(argv)!r}]
        from fieldoffice.cli import main
        main()
        """
    )
    # the shipped file, as on a machine with no editors' store (a server earlier in the session
    # may have made one in the suite's user data folder, and the CLI would answer from it)
    env = {**os.environ, snapshot.CACHE_ENV: str(cache), "XDG_DATA_HOME": str(cache / "no-store")}
    env.pop("FIELDOFFICE_DIRECTORY", None)
    env.pop("FIELDOFFICE_DATABASE", None)
    r = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert r.returncode in (0, 1), r.stderr
    return {m.split(".")[0] for m in r.stderr.strip().splitlines()[-1].split()}


def test_verify_imports_no_geometry(cache: Path, tmp_path: Path) -> None:
    warm = _modules_after(cache, "verify", "202-732-4646")
    assert not warm & {"shapely", "pyarrow", "pandas", "rich", "jsonschema"}, sorted(warm)
    cold = _modules_after(tmp_path / "cold", "verify", "202-732-4646")  # building the snapshots
    assert not cold & {"shapely", "pyarrow", "pandas", "rich"}, sorted(cold)


def test_locate_imports_no_table_libraries_nor_the_schema_checker(cache: Path) -> None:
    mods = _modules_after(cache, "locate", "Reno, NV")
    assert not mods & {"pyarrow", "pandas", "jsonschema", "rich"}, sorted(mods)


def test_a_version_file_is_named_by_its_text_and_written_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(snapshot.CACHE_ENV, str(tmp_path))
    first = snapshot.version_file('title = "a"\n')
    stamp = first.stat().st_mtime_ns
    assert first.parent == tmp_path / "published" and first.read_text() == 'title = "a"\n'
    assert snapshot.version_file('title = "a"\n') == first and first.stat().st_mtime_ns == stamp
    assert snapshot.version_file('title = "b"\n') != first
