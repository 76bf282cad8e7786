#!/usr/bin/env python3
"""A longer fuzz run of the page reader than the suite's: any bytes give a directory or a clear error.

    .venv/bin/python scripts/fuzz_ingest.py [--seconds 120]
    .venv/bin/python scripts/fuzz_ingest.py --hostile     # the real CLI on pages built to hurt

Feeds random bytes, random text, and mutations of the seed page (examples/contact-page.txt:
bytes flipped, cut, repeated, blocks shuffled) to `fieldoffice.editing.ingest.ingest` until the
time is up, and prints how many inputs ran and how many ended in a directory, a clear error, or a
crash (which would be a bug).

With --hostile it writes pages built to be slow or to hide an office (nesting 100,000 deep, the
size cap filled with tags, patterns that backtrack, thousands of offices, an office's markup
changed) and runs `fieldoffice ingest` on each, printing the wall time, the exit code and the
last line it printed. Every page must be refused or read within a couple of seconds.
"""

from __future__ import annotations

import argparse
import random
import shutil
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from pathlib import Path

from fieldoffice.core.errors import FieldOfficeError
from fieldoffice.directory.context import load_context
from fieldoffice.directory.phrases import PhraseResolver
from fieldoffice.editing.ingest import MAX_OFFICES, MAX_PAGE_BYTES, ingest

SEED = Path(__file__).resolve().parents[1] / "examples" / "contact-page.txt"


def mutate(rng: random.Random, seed: bytes) -> bytes:
    data = bytearray(seed)
    for _ in range(rng.randint(1, 20)):
        op = rng.randrange(5)
        i = rng.randrange(len(data)) if data else 0
        if op == 0 and data:
            data[i] = rng.randrange(256)
        elif op == 1:
            del data[i : i + rng.randint(1, 2000)]
        elif op == 2:
            j = rng.randrange(len(data)) if data else 0
            data[i:i] = data[j : j + rng.randint(1, 500)]
        elif op == 3:
            data[i:i] = rng.choice(
                [b"  ", b"AOR: ", b"<p>", b"&amp;", b"\xa0", b"Office", b"NV", b","]
            )
        else:
            parts = bytes(data).split(b"   ")
            rng.shuffle(parts)
            data = bytearray(b"   ".join(parts))
    return bytes(data)


def _fill(head: str, unit: str, tail: str = "") -> bytes:
    """`unit` repeated to fill the page up to the size cap."""
    room = MAX_PAGE_BYTES - len(head.encode()) - len(tail.encode())
    return (head + unit * (room // len(unit.encode())) + tail).encode()


def hostile_pages(seed: bytes) -> dict[str, Callable[[], bytes]]:
    """Name -> a page built to hurt (each at most the size cap)."""
    text = seed.decode()
    html = "<html><body>"
    office = "Texas   Office{} Office   Dallas,   TX   AOR: North Texas and Oklahoma   "
    head, _, rest = text.partition("Arizona   ")
    return {
        "nested 100,000 <div>": lambda: (
            html + "<div>" * 100_000 + text + "</div>" * 100_000
        ).encode(),
        "nested <div> to the cap": lambda: _fill(html, "<div>"),
        "nested <table><tr><td> to the cap": lambda: _fill(html, "<table><tr><td>"),
        "unclosed <b> to the cap": lambda: _fill(html, "<b>"),
        "<b> reopened in <p> to the cap": lambda: _fill(html, "<p><b>x"),
        "<b id=N><p> (distinct, reopened)": lambda: (
            html + "".join(f"<b id={i}><p>" for i in range(200_000))
        )[:MAX_PAGE_BYTES].encode(),
        "flat <b>x</b> to the cap": lambda: _fill(html, "<b>x</b>"),
        "<div> 250 deep, repeated to the cap": lambda: _fill(
            html, "<div>" * 250 + "x" + "</div>" * 250
        ),
        "unclosed comments to the cap": lambda: _fill(html, "<!--"),
        "unclosed <script> to the cap": lambda: _fill(html, "<script>"),
        "media sentence without a period": lambda: _fill(
            text, "For media inquiries contact the x at "
        ),
        "credit line that never ends": lambda: _fill(text, "When using credit line "),
        "about sentence that never ends": lambda: _fill(text + ". ", "OPA provides page. "),
        "a notice that never ends": lambda: _fill(text + " NOTE: ", "a \n"),
        "text in 1,000,000 blocks": lambda: _fill(text, "a   "),
        "one block of the whole cap": lambda: _fill(text, "a"),
        "random bytes to the cap": lambda: (
            text.encode() + random.Random(1).randbytes(MAX_PAGE_BYTES - len(text.encode()))
        ),
        "a 4 MB AOR": lambda: text.replace(
            "AOR: Arizona", "AOR: " + "Texas, " * 600_000, 1
        ).encode(),
        f"{MAX_OFFICES} offices more ({MAX_OFFICES + 22} in all)": lambda: (
            head + "".join(office.format(i) for i in range(MAX_OFFICES)) + rest
        ).encode(),
        f"{MAX_OFFICES - 22} offices more ({MAX_OFFICES}, the most; all in Texas)": lambda: (
            head + "".join(office.format(i) for i in range(MAX_OFFICES - 22)) + rest
        ).encode(),
        "one office's markup changed": lambda: text.replace(
            "San Diego,    CA", "San Diego, CA", 1
        ).encode(),
        "1 of 22 offices": lambda: (
            head + "Arizona   " + rest[: rest.index("California")] + "  */  "
        ).encode(),
    }


def run_hostile() -> None:
    """The real CLI on each hostile page: wall time, exit code, what it said last."""
    seed = SEED.read_bytes()
    exe = shutil.which("fieldoffice", path=str(Path(sys.executable).parent)) or "fieldoffice"
    with tempfile.TemporaryDirectory() as tmp:
        current = Path(tmp) / "current.toml"
        subprocess.run([exe, "ingest", str(SEED), "--commit", "-o", str(current)], check=True,
                       capture_output=True)  # fmt: skip
        for name, build in hostile_pages(seed).items():
            page = Path(tmp) / "page.html"
            page.write_bytes(build())
            before = current.read_bytes()
            started = time.monotonic()
            r = subprocess.run([exe, "ingest", str(page), "--commit", "--directory", str(current)],
                               capture_output=True, text=True, errors="replace", timeout=600)  # fmt: skip
            took = time.monotonic() - started
            said = (r.stderr.strip() or r.stdout.strip()).splitlines()
            last = said[-1] if said else ""
            print(
                f"{took:6.2f} s  exit {r.returncode}  {len(page.read_bytes()) / 1e6:5.2f} MB  {name}: {last[:150]}"
            )
            assert "Traceback" not in r.stderr, f"{name}: {r.stderr[-2000:]}"
            if r.returncode:
                assert current.read_bytes() == before, f"{name}: the directory file changed"
            else:
                current.write_bytes(before)  # (a page read and committed: the next starts afresh)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=120)
    ap.add_argument("--hostile", action="store_true", help="run the CLI on hostile pages instead")
    args = ap.parse_args()
    if args.hostile:
        run_hostile()
        return
    ctx = load_context()
    resolver = PhraseResolver(ctx.gazetteer, ctx.regions)
    seed = SEED.read_bytes() if SEED.exists() else b""
    rng = random.Random(20261127)
    counts = {"directory": 0, "clear error": 0, "crash": 0}
    end = time.monotonic() + args.seconds
    while time.monotonic() < end:
        kind = rng.randrange(3)
        if kind == 0 or not seed:
            data = rng.randbytes(rng.randint(0, 5000))
        elif kind == 1:
            data = "".join(chr(rng.randint(0, 0x2FFF)) for _ in range(rng.randint(0, 2000))).encode(
                "utf-8", "replace"
            )
        else:
            data = mutate(rng, seed)
        try:
            ingest(data, ctx.gazetteer, resolver, ctx.directory)
            counts["directory"] += 1
        except FieldOfficeError:
            counts["clear error"] += 1
        except Exception:
            counts["crash"] += 1
            traceback.print_exc()
    total = sum(counts.values())
    print(
        f"{total:,} inputs in {args.seconds:.0f} s: "
        + ", ".join(f"{k} {v:,}" for k, v in counts.items())
    )


if __name__ == "__main__":
    main()
