"""Ingest under attack, through the real command line: a page that hides an office, keeps one
office of 22, nests 100,000 deep or is slow to read is named and refused (exit 2, one line per
problem, the directory file byte for byte as it was); with the flags, what is acknowledged is
committed. Killing `ingest --commit` at any moment leaves the old file or the new one, never a
torn one, and SIGTERM leaves no temporary file."""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
import tomllib
from pathlib import Path

import pytest

from fieldoffice.core.errors import InvalidInput
from fieldoffice.directory.file import default_path
from fieldoffice.editing.ingest import MAX_DEPTH, nesting_depth
from tests.editing.test_ingest import BASE, SEED, page_html

EXE = shutil.which("fieldoffice", path=str(Path(sys.executable).parent)) or "fieldoffice"


def cli(*args: str | Path, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "FIELDOFFICE_DIRECTORY"}
    r = subprocess.run([EXE, *map(str, args)], capture_output=True, text=True, timeout=timeout,
                       env=env, stdin=subprocess.DEVNULL)  # fmt: skip
    assert "Traceback" not in r.stdout + r.stderr, r.stderr[-3000:]
    return r


def errors(r: subprocess.CompletedProcess[str]) -> list[str]:
    """stderr, checked to be error lines only, one per problem."""
    lines = r.stderr.splitlines()
    assert lines and all(x.startswith("fieldoffice: error: ") for x in lines), r.stderr
    return lines


def temps(folder: Path) -> list[Path]:
    return sorted(folder.glob(".*.tmp"))


@pytest.fixture
def shipped(tmp_path: Path) -> Path:
    """A copy of the shipped directory (the seed page's 22 offices), as the current one."""
    target = tmp_path / "current.toml"
    shutil.copyfile(default_path(), target)
    return target


@pytest.fixture
def three(tmp_path: Path) -> Path:
    """A directory of the three offices of the test page (Phoenix, Reno, Dallas), committed."""
    page = tmp_path / "base.html"
    page.write_bytes(page_html(BASE))
    target = tmp_path / "three.toml"
    r = cli("ingest", page, "--commit", "-o", target, "--directory", default_path(),
            "--allow-removals")  # fmt: skip
    assert r.returncode == 0, r.stderr
    return target


def offices(path: Path) -> list[str]:
    return [o["id"] for o in tomllib.loads(path.read_text())["office"]]


# -- one office's markup changed ---------------------------------------------------------------

RENO_BLOCK = (
    "<div class='office'>\n<h3>Reno Office</h3>\n<p>Reno,\n<span>NV</span></p>\n"
    "<p class='aor'>AOR: Northern Nevada</p></div>"
)
ALTERED = {  # Reno's block, wrapped differently; each must be named, never dropped silently
    "one text node": "<div class='office'><p>Reno Office Reno, NV AOR: Northern Nevada</p></div>",
    "city and state together": "<div class='office'><h3>Reno Office</h3><p>Reno, NV</p>"
    "<p class='aor'>AOR: Northern Nevada</p></div>",
    "a table": "<table><tr><td>Reno Office</td><td>Reno, NV</td><td>AOR: Northern Nevada</td>"
    "</tr></table>",
    "a bold city": "<div class='office'><h3>Reno Office</h3><p><b>Reno</b>, <span>NV</span></p>"
    "<p class='aor'>AOR: Northern Nevada</p></div>",
    "no AOR line": "<div class='office'><h3>Reno Office</h3><p>Reno,\n<span>NV</span></p></div>",
}


@pytest.mark.parametrize("how", sorted(ALTERED))
def test_an_office_with_altered_markup_is_named_and_not_committed(
    three: Path, tmp_path: Path, how: str
) -> None:
    page = page_html(BASE).decode()
    assert RENO_BLOCK in page
    altered = tmp_path / "altered.html"
    altered.write_text(page.replace(RENO_BLOCK, ALTERED[how]))
    before = three.read_bytes()

    dry = cli("ingest", altered, "--directory", three)
    assert dry.returncode == 1, dry.stdout + dry.stderr
    assert "unreadable: " in dry.stdout and "text block " in dry.stdout and "Reno" in dry.stdout
    assert "- office removed: reno (Reno Office)" in dry.stdout
    assert "a commit needs --allow-unreadable" in dry.stdout

    r = cli("ingest", altered, "--commit", "--directory", three)
    assert r.returncode == 2
    lines = errors(r)
    named = [x for x in lines if x.startswith("fieldoffice: error: unreadable: ")]
    assert named and all("Reno" in x or "Nevada" in x for x in named), lines
    assert not any(" under Arizona: 'Nevada'" in x for x in named), lines  # (a heading: under none)
    assert "fieldoffice: error: would remove office 'reno' (Reno Office) of the current directory" in lines  # fmt: skip
    assert lines[-1].startswith("fieldoffice: error: nothing written: add --allow-unreadable")
    assert three.read_bytes() == before and not temps(tmp_path)

    r = cli("ingest", altered, "--commit", "--directory", three, "--allow-unreadable")
    assert r.returncode == 2 and "--allow-removals" in r.stderr and "--allow-unreadable" not in r.stderr  # fmt: skip
    assert three.read_bytes() == before

    r = cli("ingest", altered, "--commit", "--directory", three, "--allow-unreadable", "--allow-removals")  # fmt: skip
    assert r.returncode == 0, r.stderr
    assert offices(three) == ["phoenix", "dallas"] and not temps(tmp_path)


def test_the_seed_page_with_one_office_altered(shipped: Path, tmp_path: Path) -> None:
    """The text page: positions are lines and blocks; the other 21 offices are still read."""
    text = SEED.read_text()
    assert "San Diego,    CA" in text
    page = tmp_path / "page.txt"
    page.write_text(text.replace("San Diego,    CA", "San Diego, CA", 1))
    before = shipped.read_bytes()
    r = cli("ingest", page, "--commit", "--directory", shipped)
    assert r.returncode == 2
    lines = errors(r)
    assert (
        "fieldoffice: error: unreadable: line 10, block 79 under California: 'San Diego, CA': "
        "looks like part of an office (a city and state) but was not read as one"
    ) in lines
    assert any("'AOR: San Diego and Imperial Counties'" in x for x in lines)
    assert "fieldoffice: error: would remove office 'san-diego' (San Diego Office) of the current directory" in lines  # fmt: skip
    assert shipped.read_bytes() == before and not temps(tmp_path)
    r = cli("ingest", page, "--commit", "--directory", shipped, "--allow-unreadable", "--allow-removals")  # fmt: skip
    assert r.returncode == 0, r.stderr
    assert len(offices(shipped)) == 21 and "san-diego" not in offices(shipped)


# -- a page that keeps 1 office of 22 ----------------------------------------------------------


def test_a_page_with_one_office_of_22_needs_allow_removals(shipped: Path, tmp_path: Path) -> None:
    text = SEED.read_text()
    head, _, rest = text.partition("Arizona   ")
    page = tmp_path / "one.txt"
    page.write_text(head + "Arizona   " + rest[: rest.index("California")] + "  */  ")
    before = shipped.read_bytes()

    r = cli("ingest", page, "--commit", "--directory", shipped)
    assert r.returncode == 2
    lines = errors(r)
    removed = [x for x in lines if " would remove office " in x]
    assert len(removed) == 21 and not any("'phoenix'" in x for x in removed)
    assert "fieldoffice: error: would remove office 'seattle' (Seattle Office) of the current directory" in lines  # fmt: skip
    assert "fieldoffice: error: the page yields 1 office, fewer than half of the 22 in the current directory" in lines  # fmt: skip
    assert shipped.read_bytes() == before and not temps(tmp_path)

    r = cli("ingest", page, "--commit", "--directory", shipped, "--allow-removals")
    assert r.returncode == 0, r.stderr
    assert offices(shipped) == ["phoenix"]


# -- pages that are slow to read -----------------------------------------------------------------


def _refused_quickly(page: Path, current: Path, expect: str, seconds: float) -> None:
    before = current.read_bytes()
    for flags in ((), ("--allow-unreadable", "--allow-removals")):
        started = time.monotonic()
        r = cli("ingest", page, "--commit", "--directory", current, *flags, timeout=60)
        took = time.monotonic() - started
        assert r.returncode == 2 and len(errors(r)) == 1 and expect in r.stderr, r.stderr
        assert took < seconds, f"{took:.1f} s"
        assert current.read_bytes() == before and not temps(current.parent)


def test_100k_nested_elements_are_refused_at_once(three: Path, tmp_path: Path) -> None:
    page = tmp_path / "deep.html"
    body = page_html(BASE).decode()
    page.write_text(body.replace("<main>", "<main>" + "<div>" * 100_000, 1))
    _refused_quickly(page, three, f"nested more than {MAX_DEPTH} deep", seconds=15)


def test_a_page_slow_to_parse_is_stopped_at_the_time_limit(three: Path, tmp_path: Path) -> None:
    """Formatting elements reopened in every paragraph: shallow, but lexbor takes seconds on 5 MB."""
    page = tmp_path / "slow.html"
    unit = "<p><b>x"
    page.write_text("<html><body>" + unit * ((5 << 20) // len(unit) - 10))
    _refused_quickly(page, three, "reading the page took longer than 2 s", seconds=20)


def test_the_time_limit_kills_the_reading(monkeypatch: pytest.MonkeyPatch) -> None:
    from fieldoffice.editing import ingest

    monkeypatch.setattr(ingest, "PARSE_SECONDS", 0.3)
    monkeypatch.setattr(ingest, "CHECK_SECONDS", 0.3)
    started = time.monotonic()
    with pytest.raises(InvalidInput, match=r"reading the page took longer than 0\.3 s"):
        ingest._run_limited(lambda mark: time.sleep(30))  # type: ignore[arg-type,return-value]
    with pytest.raises(InvalidInput, match=r"checking what was read .* longer than 0\.3 s"):
        ingest._run_limited(lambda mark: (mark(), time.sleep(30)))  # type: ignore[arg-type,return-value]
    assert time.monotonic() - started < 5
    with pytest.raises(InvalidInput, match="the limit is"):  # errors come back as themselves
        ingest._run_limited(lambda mark: ingest.page_text(b"x" * (ingest.MAX_PAGE_BYTES + 1)))  # type: ignore[arg-type,return-value]


# -- the nesting check against the parser --------------------------------------------------------

DEEP = ["<div>", "<table><tr><td>", "<b>", "<button><strong>", "<select><i>",
        "<form><div>", "<svg><g>", "<math><a><mi><rt>", "<ul><li><ol>", "<div><p>", "<x-y>",
        # markup that hid its tags from an earlier, looser tokenizing of the page: a tag name
        # runs to a space, "/" or ">"; quoted values hold "<"; "--!>" ends a comment; "<!x" and
        # "</ x" are bogus comments to ">"; "<svg><font>" stays SVG; "</p>" leaves SVG
        "<font<h1>", "<div title='<!--'>", "<!-- --!><div>", "<! <!-- ><div>", "</ <script>><div>",
        "<svg><font><style><div>", "<svg><g></p><object><a><![CDATA[<xmp>",
        "</form><form><select>", "<hr><h1><noscript><h2></h1>"]  # fmt: skip
SHALLOW = ["<p>x", "<li>x", "<a>x</a><a>", "<b>x</b>", "<!-- x -->", "<br><img><hr>",
           "<tr><td>x", "<div></div>", "<option>", "<svg><path/></svg>", "<script>x</script>"]  # fmt: skip


@pytest.mark.parametrize("unit", DEEP)
def test_nesting_built_to_be_slow_is_counted(unit: str) -> None:
    assert nesting_depth("<html><body>" + unit * 2_000, MAX_DEPTH) > MAX_DEPTH


def test_formatting_elements_reopened_nest_only_when_unalike() -> None:
    """<b><p> repeated: the parser reopens at most three alike <b> in each <p> (the Noah's Ark
    clause), so the tree stays shallow; with a different id each, every <b> is reopened in every
    <p> and the tree (and the parser's time) grows with each."""
    from selectolax.lexbor import LexborHTMLParser

    alike = "<html><body>" + "<b id=1><p>" * 2_000
    unalike = "<html><body>" + "".join(f"<b id={i}><p>" for i in range(2_000))
    assert nesting_depth(alike, MAX_DEPTH) <= 8
    assert '<b id="1">' * 5 not in LexborHTMLParser(alike).html  # (three reopened, one new)
    assert nesting_depth(unalike, MAX_DEPTH) > MAX_DEPTH


@pytest.mark.parametrize("unit", SHALLOW)
def test_markup_a_parser_keeps_shallow_is_not_refused(unit: str) -> None:
    assert nesting_depth("<html><body>" + unit * 20_000, MAX_DEPTH) <= 3


def test_the_count_never_falls_far_below_the_parsers() -> None:
    """Random tag soup, repeated: wherever the parser's tree grows deep, so does the count."""
    from selectolax.lexbor import LexborHTMLParser

    def depth(node: object, d: int = 0) -> int:
        best, stack = 0, [(node, 1)]
        while stack:
            n, d = stack.pop()
            best = max(best, d)
            c = n.child  # type: ignore[attr-defined]
            while c is not None:
                if c.tag and not c.tag.startswith("-"):
                    stack.append((c, d + 1))
                c = c.next
        return best

    words = ("<div> </div> <p> </p> <b> </b> <i> <a> </a> <b id=1> <font size=2> <table> </table> "
             "<tr> <td> </td> <ul> <li> </li> <dl> <dd> <span> </span> <section> <button> "
             "</button> <select> <option> <svg> </svg> <g> <path/> <math> <mi> <h1> </h1> <form> "
             "</form> <nobr> <caption> <object> <x-y> <br> <textarea> </textarea> <title> "
             "</title> <!-- --> <em> <u> <address> <pre> <noscript> </noscript> <rt> x "
             "<style> </style> <script> </script> --!> <![CDATA[ ]]> <font> <foreignObject> "
             "</svg> <annotation-xml> <mtext> </br> <xmp> <template> <th> <!x> <? </ > ' = "
             "<a\ttitle=' <mglyph> </g> <plaintext> <marquee> <hr> <image> <font<h1>")  # fmt: skip
    vocab = words.split()
    rng = random.Random(20261128)
    for _ in range(150):
        unit = "".join(rng.choice(vocab) for _ in range(rng.randint(1, 7)))
        page = "<html><body>" + unit * 150
        root = LexborHTMLParser(page).root
        true = depth(root)
        counted = nesting_depth(page, 10**6)
        assert true <= 40 or counted >= true / 3, (unit, true, counted)


# -- killed at any moment ----------------------------------------------------------------------


def test_killed_at_random_moments_the_file_is_old_or_new(shipped: Path, tmp_path: Path) -> None:
    page = tmp_path / "page.txt"
    text = SEED.read_text()
    assert "improperly used to target individuals" in text
    page.write_text(text.replace("improperly used to target individuals", "improperly used", 1))
    old = shipped.read_bytes()
    started = time.monotonic()
    r = cli("ingest", page, "--commit", "--directory", shipped)
    full = time.monotonic() - started
    assert r.returncode == 0, r.stderr
    new = shipped.read_bytes()
    assert new != old
    rng = random.Random(7)
    outcomes = {"old": 0, "new": 0}
    for i in range(16):
        shipped.write_bytes(old)
        how = signal.SIGKILL if i < 11 else signal.SIGTERM
        proc = subprocess.Popen([EXE, "ingest", str(page), "--commit", "--directory", str(shipped)],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)  # fmt: skip
        time.sleep(rng.uniform(0.3, 1.05) * full)
        proc.send_signal(how)
        _, err = proc.communicate(timeout=60)
        assert "Traceback" not in err, err
        now = shipped.read_bytes()
        assert now in (old, new), "a torn directory file"
        outcomes["old" if now == old else "new"] += 1
        if how == signal.SIGTERM:
            assert proc.returncode in (0, -signal.SIGTERM, 128 + signal.SIGTERM), (proc.returncode, err)  # fmt: skip
            assert not temps(tmp_path), "SIGTERM left a temporary file"
            if proc.returncode == 128 + signal.SIGTERM:
                assert err.strip() == "fieldoffice: stopped; no partial file was written"
    assert time.monotonic() - started < 60
    # a killed run's temporary file is removed by the next commit; no reader is left running
    shipped.write_bytes(old)
    (tmp_path / f".{shipped.name}.999999999.tmp").write_text("left by a killed run")
    assert cli("ingest", page, "--commit", "--directory", shipped).returncode == 0
    assert shipped.read_bytes() == new and not temps(tmp_path)
    time.sleep(0.5)
    left = [p for p in Path("/proc").glob("[0-9]*") if _cmdline(p).count(str(page))]
    assert not left, "a reading child outlived its killed parent"
    print(outcomes)


def _cmdline(p: Path) -> str:
    try:
        return (p / "cmdline").read_bytes().decode(errors="replace")
    except OSError:
        return ""
