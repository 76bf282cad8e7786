"""Every command, fuzzed: hypothesis arguments for locate, verify, resolve, office and offices, and
hostile small files for assign, lint, diff and ingest (random bytes; CSVs with odd quoting, ragged
rows, BOMs, latin-1 and UTF-16, NULs; Parquet files with nested and binary columns, or cut short;
directory files and contact pages damaged in every way). test_no_tracebacks.py runs a fixed list
of hostile arguments; this adds what hypothesis makes of the alphabet in test_fuzz_routes.py.

Every run must end with exit code 0, 1 or 2, never print "Traceback", and say an error as one
line: every line on stderr starts with "fieldoffice: " (notes and errors alike; an error's message
that spans lines, or a library's warning, fails that), and a run that exits 2 with nothing on
stdout has said "fieldoffice: error: ..." .

Most examples run in this process, through `fieldoffice.cli.main` (the console script's entry
point, which turns the app's errors into those lines) under click's CliRunner isolation: stdin,
stdout, stderr and the environment as a subprocess would have them, at a fraction of the cost.
Whatever escapes `main` other than SystemExit(0|1|2) is a failure, with its traceback. A few
dozen examples run as real subprocesses of the installed `fieldoffice` script, where the
arguments are real bytes (text that is not UTF-8 arrives as lone surrogates, as in a shell).

Positional arguments follow "--", so hostile text starting with "-" is read as the argument it
is; click's own usage errors (an unknown option) are the subject of one test below.
"""

from __future__ import annotations

import io
import os
import random
import shutil
import subprocess
import sys
import tempfile
import traceback
from collections.abc import Iterator
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import TypeVar

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from fieldoffice.cli import main
from tests.attacks.test_fuzz_routes import (
    HOSTILE_WORDS,
    char_text,
    hostile_text,
    nested,
    numbers,
    words,
)

T = TypeVar("T")
EXE = shutil.which("fieldoffice", path=str(Path(sys.executable).parent))
SCALE = float(os.environ.get("FUZZ_SCALE", "1"))  # FUZZ_SCALE=10 for a longer hunt
ARGV_SURROGATES = (
    "\udc80\udcc3\udce9\udcff"  # bytes that are not UTF-8, as Python's argv holds them
)
SHIPPED = resources.files("fieldoffice.data")


def _argv_safe(text: str) -> str:
    return text.replace("\x00", "")  # an argument cannot hold NUL


argv_text = hostile_text.map(_argv_safe)
# text with bytes that are not UTF-8 in it
undecodable = st.lists(st.one_of(words, st.sampled_from(ARGV_SURROGATES)), min_size=1, max_size=4).map("".join)  # fmt: skip
any_arg = st.one_of(argv_text, argv_text, argv_text, undecodable)


# -- invocations: arguments, and the files they name ----------------------------------------------
@dataclass
class Invocation:
    args: list[str]  # "@/" stands for the run's own folder
    files: dict[str, bytes] = field(default_factory=dict)
    cache: bool = False  # names a damaged directory file: its snapshots go to a throwaway cache

    def argv(self, folder: Path) -> list[str]:
        return [a.replace("@/", f"{folder}/") if a.startswith("@/") else a for a in self.args]

    def __repr__(self) -> str:
        files = {k: f"{len(v)} bytes: {v[:120]!r}" for k, v in self.files.items()}
        return f"fieldoffice {self.args!r} {files or ''}"


def chance(draw: st.DrawFn, p: float) -> bool:
    """True with probability p (hypothesis draws small integers at their bounds far more often
    than 1 in n, which would make every rare case common)."""
    return _uniform(draw) < p


def _uniform(draw: st.DrawFn) -> float:
    # hashed (a str seed goes through sha512): the small seeds hypothesis likes spread over [0, 1)
    return random.Random(f"seed {draw(st.integers(0, 2**32 - 1))}").random()


def pick(draw: st.DrawFn, weights: dict[T, int]) -> T:
    """One of the keys, as often as its weight says."""
    r = random.Random(f"seed {draw(st.integers(0, 2**32 - 1))}")
    return r.choices(list(weights), weights=list(weights.values()))[0]


def flags(draw: st.DrawFn, *names: str) -> list[str]:
    return [n for n in names if draw(st.booleans())]


@st.composite
def locate_args(draw: st.DrawFn) -> Invocation:
    opts = flags(draw, "--json")
    if chance(draw, 1 / 5):
        as_of = st.sampled_from(["2020-03-01", "9999-12-31", "0001-01-01", "2020-02-30", "2020-3-1"])  # fmt: skip
        opts += ["--as-of", draw(st.one_of(as_of, argv_text))]
    return Invocation(["locate", *opts, "--", *draw(st.lists(any_arg, min_size=1, max_size=3))])


@st.composite
def verify_args(draw: st.DrawFn) -> Invocation:
    return Invocation(["verify", *flags(draw, "--json", "--es"), "--", draw(any_arg)])


@st.composite
def resolve_args(draw: st.DrawFn) -> Invocation:
    state = ["--state", draw(st.one_of(st.sampled_from(["NV", "ca", "Texas"]), any_arg))]
    phrase = st.one_of(any_arg, st.sampled_from(["Northern California, Northern Nevada", "Alaska"]))
    return Invocation(["resolve", *(state if draw(st.booleans()) else []), "--", draw(phrase)])


@st.composite
def office_args(draw: st.DrawFn) -> Invocation:
    return Invocation(["office", *flags(draw, "--json"), "--", draw(any_arg)])


@st.composite
def offices_args(draw: st.DrawFn) -> Invocation:
    state = ["--state", draw(any_arg)] if draw(st.integers(0, 5)) else []
    return Invocation(["offices", *flags(draw, "--json"), *state])


# -- hostile files ---------------------------------------------------------------------------------
HEADERS = ("lat", "lon", "latitude", "Longitude", "Latitude (deg)", "LAT_DD", "LON_DD", "zip",
           "Zip Code", "zipcode", "address", "place", "city", "id", "", "lat", "\ufefflat",
           "status", "office_id", "reason", "a,b", '"q"', "lat\x00", "ＬＡＴ")  # fmt: skip
CELLS = ("39.53", "-119.81", "89501", "901", "2108", "10001.0", "89501-1234", "Reno, NV",
         "Washoe County, NV", "Texas", "", "NaN", "1e309", "-0", "0x10", "９０２１０")  # fmt: skip


def _quote(cell: str, style: int) -> str:
    if style == 1:
        return '"' + cell.replace('"', '""') + '"'
    if style == 2:  # a quote opened and never closed, or closed twice
        return '"' + cell
    if style == 3:
        return cell + '""'
    if style == 4:
        return f"'{cell}'"
    return cell


PROFILES = {  # header -> what its cells hold
    ("lat", "lon"): "point", ("id", "lat", "lon"): "point", ("Latitude (deg)", "Longitude (deg)"): "point",
    ("LAT_DD", "LON_DD"): "point", ("zip",): "zip", ("Zip Code", "name"): "zip", ("address",): "place",
    ("place",): "place", ("city", "zip"): "place", ("id", "address", "zip"): "place",
}  # fmt: skip
ROLE_CELLS = {
    "point": st.one_of(numbers, st.sampled_from(["39.53", "-119.81", "NaN", "", "1e309", "٣٩.٥"])),
    "zip": st.sampled_from(
        ["89501", "901", "2108", "10001.0", "89501-1234", "00000", "①②③④⑤", "", "9" * 30]
    ),
    "place": st.one_of(
        words,
        st.sampled_from(
            [
                "Reno, NV",
                "Washoe County, NV",
                "Texas",
                "1600 Pennsylvania Ave NW, Washington, DC 20500",
            ]
        ),
    ),
}


@st.composite
def csv_bytes(draw: st.DrawFn, tsv: bool = False) -> bytes:
    """A small CSV: mostly a header people use with cells of its kind, some hostile; odd
    quoting, ragged rows, other delimiters and line ends, encodings, BOMs, NULs, cut short."""
    if chance(draw, 0.75):
        header, role = draw(st.sampled_from(sorted(PROFILES.items())))
        header = list(header)
        cell = st.one_of(ROLE_CELLS[role], ROLE_CELLS[role], ROLE_CELLS[role], char_text, words)
    else:
        header = draw(
            st.lists(st.one_of(st.sampled_from(HEADERS), char_text), min_size=1, max_size=5)
        )
        cell = st.one_of(st.sampled_from(CELLS), words, char_text, numbers)
    width = len(header)
    ragged = chance(draw, 1 / 4)
    size = st.integers(max(0, width - 1), width + 1) if ragged else st.just(width)
    rows = draw(st.lists(size.flatmap(lambda n: st.lists(cell, min_size=n, max_size=n)), max_size=8))  # fmt: skip
    sep = pick(draw, {"\t" if tsv else ",": 12, ";": 1, "," if tsv else "\t": 1, "|": 1})
    end = pick(draw, {"\n": 8, "\r\n": 3, "\r": 1})
    odd = chance(draw, 0.3)  # some cells quoted oddly
    lines = [sep.join(_quote(c, draw(st.integers(0, 4)) if odd else 0) for c in row) for row in [header, *rows]]  # fmt: skip
    text = end.join(lines) + draw(st.sampled_from(["", end, end * 3]))
    encoding = pick(draw, {"utf-8": 10, "utf-8-sig": 2, "latin-1": 2, "cp1252": 1, "utf-16": 1})
    data = text.encode(encoding, "replace") if "utf-8" not in encoding else text.encode(encoding, "surrogatepass")  # fmt: skip
    for at in draw(st.lists(st.integers(0, max(0, len(data))), max_size=2)) if chance(draw, 0.2) else []:  # fmt: skip
        data = data[:at] + draw(st.sampled_from([b"\x00", b"\xff", b"\xe9", b"\xef\xbb\xbf"])) + data[at:]  # fmt: skip
    if chance(draw, 1 / 8):
        data = data[: draw(st.integers(0, len(data)))]
    return data


PA_TYPES = {
    "int": (pa.int64(), lambda r: r.randint(-(2**63), 2**63 - 1)),
    "float": (pa.float64(), lambda r: r.choice([r.uniform(-200, 200), float("nan"), float("inf")])),
    "string": (pa.string(), lambda r: r.choice(HOSTILE_WORDS + CELLS)),
    "large_string": (pa.large_string(), lambda r: r.choice(CELLS)),
    "binary": (pa.binary(), lambda r: r.randbytes(r.randint(0, 8))),
    "list": (pa.list_(pa.int32()), lambda r: [r.randint(0, 9)] * r.randint(0, 3)),
    "struct": (pa.struct([("a", pa.string())]), lambda r: {"a": r.choice(CELLS)}),
    "bool": (pa.bool_(), lambda r: r.random() < 0.5),
    "null": (pa.null(), lambda r: None),
    "date": (pa.date32(), lambda r: r.randint(0, 20000)),
    "dict": (pa.dictionary(pa.int8(), pa.string()), None),
    "decimal": (pa.decimal128(10, 4), None),
}


@st.composite
def parquet_bytes(draw: st.DrawFn) -> bytes:
    names = draw(st.lists(st.sampled_from(HEADERS[:14]), min_size=1, max_size=4, unique=True))
    kinds = [draw(st.sampled_from(sorted(PA_TYPES))) for _ in names]
    r = random.Random(draw(st.integers(0, 2**32)))
    n = draw(st.integers(0, 6))
    columns = []
    for kind in kinds:
        t, make = PA_TYPES[kind]
        if kind == "dict":
            columns.append(pa.array([r.choice(CELLS) for _ in range(n)]).dictionary_encode())
        elif kind == "decimal":
            columns.append(pa.array([None] * n, type=t))
        else:
            values = [make(r) if r.random() > 0.2 else None for _ in range(n)]  # type: ignore[misc]
            columns.append(pa.array(values, type=t))
    sink = io.BytesIO()
    pq.write_table(pa.table(columns, names=names), sink)
    data = sink.getvalue()
    if chance(draw, 1 / 5):  # cut short, or a byte changed
        at = draw(st.integers(0, len(data) - 1))
        data = data[:at] if draw(st.booleans()) else data[:at] + b"\xff" + data[at + 1 :]
    return data


@st.composite
def assign_args(draw: st.DrawFn) -> Invocation:
    kind = pick(draw, {"csv": 8, "tsv": 1, "parquet": 3, "bytes": 1})
    if kind == "parquet":
        name, data = "in.parquet", draw(parquet_bytes())
    elif kind == "bytes":
        name = draw(st.sampled_from(["in.csv", "in.parquet", "in.tsv", "in"]))
        data = draw(st.binary(max_size=300))
    else:
        name = pick(draw, {"in.csv": 6, "in.txt": 1} if kind == "csv" else {"in.tsv": 1})
        data = draw(csv_bytes(tsv=kind == "tsv"))
    opts = []
    for flag in ("--lat", "--lon", "--zip", "--address", "--place"):
        if chance(draw, 1 / 10):
            opts += [flag, draw(st.one_of(st.sampled_from(HEADERS), argv_text))]
    if chance(draw, 1 / 6):
        enc = st.sampled_from(
            ["latin-1", "utf-16", "ascii", "cp1252", "nonsense", "", "rot13", "utf-8"]
        )
        opts += ["--encoding", draw(enc)]
    opts += flags(draw, "--replace-answers")
    out = draw(st.sampled_from(["@/out.csv", "@/out.csv", "@/out.tsv", "@/out.parquet", "-",
                                "@/no/such/folder/out.csv", "@/", "@/out.xyz"]))  # fmt: skip
    return Invocation(["assign", *opts, "-o", out, "--", "@/" + name], {name: data})


def _directory_text() -> bytes:
    return SHIPPED.joinpath("directory.toml").read_bytes()


@st.composite
def directory_bytes(draw: st.DrawFn) -> bytes:
    """The shipped directory file, damaged: cut short, a line replaced, hostile text put in,
    another encoding, a BOM, NULs, deep nesting; or random bytes."""
    data = _directory_text()
    lines = data.split(b"\n")
    how = pick(draw, {0: 1, 1: 1, 2: 8, 3: 1, 4: 1, 5: 1, 6: 1})
    if how == 0:
        return data[: draw(st.integers(0, len(data)))]
    if how == 1:
        for _ in range(draw(st.integers(1, 3))):
            at = draw(st.integers(0, len(lines) - 1))
            lines[at] = draw(st.one_of(argv_text, st.sampled_from(['id = ""', "phone = 12", "[[office]]", 'state = "ZZ"', "counties = [[[]]]", 'x = """']))).encode("utf-8", "surrogatepass")  # fmt: skip
        return b"\n".join(lines)
    if how == 2:  # a hostile value in place of a quoted one
        at = draw(st.sampled_from([i for i, line in enumerate(lines) if b'= "' in line]))
        key = lines[at].split(b"=", 1)[0]
        value = draw(st.one_of(argv_text.map(lambda t: '"' + t.replace("\\", "\\\\").replace('"', '\\"') + '"'),
                               st.sampled_from(["[]", "{}", "1e309", "-1", "true", '"' + "x" * 5000 + '"'])))  # fmt: skip
        lines[at] = key + b"= " + value.encode("utf-8", "surrogatepass")
        return b"\n".join(lines)
    if how == 3:
        text = data.decode()
        return draw(st.sampled_from(["\ufeff" + text, text.replace("é", "é")])).encode("utf-8") if draw(st.booleans()) else text.encode(draw(st.sampled_from(["latin-1", "utf-16", "cp1252"])), "replace")  # fmt: skip
    if how == 4:
        at = draw(st.integers(0, len(data)))
        return data[:at] + b"\x00" * draw(st.integers(1, 3)) + data[at:]
    if how == 5:
        return b"a = " + nested(draw(st.integers(1, 5000)), 0).encode() + b"\n"
    return draw(st.binary(max_size=300))


@st.composite
def lint_args(draw: st.DrawFn) -> Invocation:
    name = pick(draw, {"dir.toml": 8, "dir.json": 1, "dir": 1})
    opts = flags(draw, "--json", "--strict")
    return Invocation(["lint", *opts, "--directory", "@/" + name], {name: draw(directory_bytes())}, cache=True)  # fmt: skip


@st.composite
def diff_args(draw: st.DrawFn) -> Invocation:
    files = {"old.toml": draw(directory_bytes())}
    new = "@/new.toml"
    if draw(st.booleans()):
        files["new.toml"] = draw(directory_bytes())
    else:
        files["new.toml"] = _directory_text()
    pair = ["@/old.toml", new] if draw(st.booleans()) else [new, "@/old.toml"]
    return Invocation(["diff", *flags(draw, "--json"), "--", *pair], files, cache=True)


def _office_block(name: str, city: str, state: str, aor: str, style: int) -> str:
    if style == 0:  # as the saved text reads: blocks apart by runs of spaces
        return f"   {name}     {city},    {state}      AOR: {aor}  "
    if style == 1:
        return f"<div class='office'><h3>{name}</h3><p>{city}, <span>{state}</span></p><p>AOR: {aor}</p></div>"  # fmt: skip
    if style == 2:  # markup that differs, left open
        return f"<div><b>{name}<p>{city},{state}<p>AOR:{aor}"
    return f"<table><tr><td>{name}</td><td>{city}, {state}</td></tr><tr><td>AOR: {aor}</td></tr></table>"  # fmt: skip


OFFICES = (
    ("Phoenix Office", "Phoenix", "AZ", "Arizona"), ("Reno Office", "Reno", "NV", "Northern Nevada"),
    ("Dallas Office", "Dallas", "TX", "North Texas and Oklahoma"),
    ("San Francisco Office", "San Francisco", "CA", "Northern California, Northern Nevada"),
    ("New York Office", "New York", "NY", "New York City and the five boroughs"),
)  # fmt: skip
MEDIA = ("For media inquiries about the Agency's activities, contact the Example Office of Public "
         "Affairs (EOPA) at (555) 010-4646 or email press@example.gov.")  # fmt: skip


@st.composite
def page_bytes(draw: st.DrawFn) -> bytes:
    """A contact page: offices under state headings, in text or in markup, with hostile text,
    unclosed and deep markup, entities, scripts; or random bytes."""
    if chance(draw, 1 / 7):
        return draw(st.binary(max_size=400))
    text = st.one_of(words, char_text, st.sampled_from(["Reno", "San Francisco", "Northern Nevada", "&amp;", "&#0;", "&#x110000;", "&bogus;", "<!--", "]]>", "<![CDATA["]))  # fmt: skip
    html = draw(st.booleans())
    media = MEDIA if chance(draw, 0.9) else draw(text)
    parts = [f"<!doctype html><html><body><main><p>{media}</p><h1>Field Offices</h1>" if html else f"{media}    Field Offices  "]  # fmt: skip
    for _ in range(draw(st.integers(1, 4))):
        state = draw(
            st.one_of(st.sampled_from(["California", "Nevada", "Texas", "New York"]), text)
        )
        parts.append(f"<h2>{state}</h2>" if html else f"  {state}  ")
        for _ in range(draw(st.integers(1, 3))):
            name, city, st_code, aor = draw(st.sampled_from(OFFICES))
            if chance(draw, 0.3):  # one of the four hostile
                which = draw(st.integers(0, 3))
                name, city, st_code, aor = [draw(text) if i == which else v for i, v in enumerate((name, city, st_code, aor))]  # fmt: skip
            style = draw(st.integers(0, 3)) if html else 0
            parts.append(_office_block(name, city, st_code, aor, style))
    if chance(draw, 1 / 5):
        depth = draw(st.integers(1, 20_000))
        parts.append("<div>" * depth if html else "(" * depth)
    if html and draw(st.booleans()):
        parts.append("<script>var x = 'AOR: Texas';</script><style>p{}</style>")
    page = "".join(parts)
    return page.encode(pick(draw, {"utf-8": 8, "latin-1": 1, "utf-16": 1}), "replace")


@st.composite
def ingest_args(draw: st.DrawFn) -> Invocation:
    name = pick(draw, {"page.html": 3, "page.txt": 3, "page": 1})
    opts = flags(draw, "--allow-removals", "--allow-unreadable")
    if chance(draw, 1 / 4):  # a commit, always to a file of this run's own
        opts += ["--commit", "-o", draw(st.sampled_from(["@/new.toml", "@/", "@/no/such/dir.toml"]))]  # fmt: skip
    return Invocation(["ingest", *opts, "--", "@/" + name], {name: draw(page_bytes())})


COMMANDS = {
    "locate": locate_args(), "verify": verify_args(), "resolve": resolve_args(),
    "office": office_args(), "offices": offices_args(), "assign": assign_args(),
    "lint": lint_args(), "diff": diff_args(), "ingest": ingest_args(),
}  # fmt: skip


# -- running them ----------------------------------------------------------------------------------
@dataclass
class Result:
    code: object
    out: str
    err: str
    crash: str | None = None  # a traceback: what escaped main() other than SystemExit


RUNNER = CliRunner()


def run_in_process(argv: list[str], env: dict[str, str | None]) -> Result:
    with RUNNER.isolation(env=env) as (out, err, _):
        saved = sys.argv
        sys.argv = ["fieldoffice", *argv]
        crash = None
        code: object = 0
        try:
            main()
        except SystemExit as exc:
            code = 0 if exc.code is None else exc.code
        except BaseException:  # any of them is the failure this test looks for
            crash = traceback.format_exc()
            code = "crashed"
        finally:
            sys.argv = saved
            sys.stdout.flush()
            sys.stderr.flush()
        return Result(code, out.getvalue().decode("utf-8", "replace"), err.getvalue().decode("utf-8", "replace"), crash)  # fmt: skip


def run_subprocess(argv: list[str], env: dict[str, str | None], cwd: Path) -> Result:
    full = {k: v for k, v in os.environ.items() if k not in env}
    full.update({k: v for k, v in env.items() if v is not None})
    command = [EXE] if EXE else [sys.executable, "-m", "fieldoffice.cli"]
    r = subprocess.run([*command, *argv], capture_output=True, timeout=120, cwd=cwd, env=full,
                       stdin=subprocess.DEVNULL)  # fmt: skip
    return Result(r.returncode, r.stdout.decode("utf-8", "replace"), r.stderr.decode("utf-8", "replace"))  # fmt: skip


# Arrow's C++ Parquet reader writes this to the process's stderr itself, before the error it
# raises (which the CLI then says in its own line): not ours to word, nor to silence
NATIVE_NOISE = frozenset({"Deserializing page header failed."})


def check(inv: Invocation, r: Result) -> None:
    where = f"{inv}\nexit {r.code}\nstdout: {r.out[-1500:]}\nstderr: {r.err[-1500:]}"
    assert r.crash is None, f"{inv}\n{r.crash}"
    assert r.code in (0, 1, 2), where
    assert "Traceback" not in r.out + r.err, where
    # lines as a terminal or a log shows them: split at line feeds only (not at U+0085 or U+2028)
    stray = [line for line in r.err.split("\n") if line.strip() and not line.startswith("fieldoffice: ")
             and line.strip() not in NATIVE_NOISE]  # fmt: skip
    assert not stray, f"stderr lines that are not the CLI's own: {stray[:3]}\n{where}"
    if r.code == 2 and not r.out.strip():
        assert "fieldoffice: error: " in r.err, where


@pytest.fixture(scope="module")
def places(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Path]]:
    """A folder for the runs' files, and a throwaway snapshot cache for damaged directories."""
    root = tmp_path_factory.mktemp("fuzz-cli")
    yield root / "runs", root / "cache"


def execute(inv: Invocation, places: tuple[Path, Path], *, subprocess_: bool = False) -> Result:
    runs, cache = places
    runs.mkdir(exist_ok=True)
    folder = Path(tempfile.mkdtemp(dir=runs))
    for name, data in inv.files.items():
        (folder / name).write_bytes(data)
    env: dict[str, str | None] = {"FIELDOFFICE_DIRECTORY": None, "COLUMNS": "100"}
    if inv.cache:
        env["FIELDOFFICE_CACHE"] = str(cache)
    try:
        if subprocess_:
            return run_subprocess(inv.argv(folder), env, folder)
        return run_in_process(inv.argv(folder), env)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


IN_PROCESS = {
    "locate": 60, "verify": 60, "resolve": 40, "office": 30, "offices": 30,
    "assign": 60, "lint": 15, "diff": 10, "ingest": 40,
}  # fmt: skip


@pytest.mark.parametrize("command", sorted(IN_PROCESS))
def test_each_command_in_process(places: tuple[Path, Path], command: str) -> None:
    @given(inv=COMMANDS[command])
    @settings(max_examples=int(IN_PROCESS[command] * SCALE), deadline=None,
              suppress_health_check=list(HealthCheck))  # fmt: skip
    def run(inv: Invocation) -> None:
        result = execute(inv, places)
        event(f"exit {result.code}")
        check(inv, result)

    run()


@given(inv=st.one_of(*COMMANDS.values()))
@settings(max_examples=int(30 * SCALE), deadline=None, suppress_health_check=list(HealthCheck))
def test_any_command_as_a_real_process(places: tuple[Path, Path], inv: Invocation) -> None:
    check(inv, execute(inv, places, subprocess_=True))


# -- the failures the fuzzer found, kept as they were found (fixed: each must now pass) ------------
@pytest.mark.parametrize("data", [b"lat\rx,lon\n1,2\n", b"lat,lon\r39.5,-119.8\r40,-120\r"],
                         ids=["cr-in-header", "mac-line-ends"])  # fmt: skip
def test_assign_a_csv_with_cr_line_ends(places: tuple[Path, Path], data: bytes) -> None:
    inv = Invocation(["assign", "@/in.csv", "-o", "@/out.csv"], {"in.csv": data})
    check(inv, execute(inv, places, subprocess_=True))


@pytest.mark.parametrize("encoding", ["rot13", "base64"])
def test_assign_with_a_codec_that_is_not_a_text_encoding(places: tuple[Path, Path], encoding: str) -> None:  # fmt: skip
    inv = Invocation(["assign", "@/in.csv", "-o", "@/out.csv", "--encoding", encoding],
                     {"in.csv": b"lat,lon\n39.5,-119.8\n"})  # fmt: skip
    check(inv, execute(inv, places, subprocess_=True))


@pytest.mark.parametrize(
    "args",
    [["locate", "--", "Reno\udcff"], ["locate", "--json", "--", "\udcff"],
     ["locate", "--json", "--", "Reno, NV\udcff"]],
    ids=["text", "json", "json-city"],
)  # fmt: skip
def test_locate_with_bytes_that_are_not_utf8(places: tuple[Path, Path], args: list[str]) -> None:
    inv = Invocation(args)  # as a shell passes b"Reno\xff"
    check(inv, execute(inv, places, subprocess_=True))


@pytest.mark.parametrize("args", [["verify", "-x"], ["office"], ["offices", "--state"]])
def test_a_usage_error_is_one_line(places: tuple[Path, Path], args: list[str]) -> None:
    inv = Invocation(args)
    result = execute(inv, places)
    check(inv, result)
    assert result.code == 2
