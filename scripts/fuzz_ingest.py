#!/usr/bin/env python3
"""A longer fuzz run of the page reader than the suite's: any bytes give a directory or a clear error.

    .venv/bin/python scripts/fuzz_ingest.py [--seconds 120]

Feeds random bytes, random text, and mutations of the seed page (bytes flipped, cut, repeated,
blocks shuffled) to `fieldoffice.ingest.ingest` until the time is up, and prints how many inputs
ran and how many ended in a directory, a clear error, or a crash (which would be a bug).
"""

from __future__ import annotations

import argparse
import random
import time
import traceback
from pathlib import Path

from fieldoffice.context import load_context
from fieldoffice.errors import FieldOfficeError
from fieldoffice.ingest import ingest
from fieldoffice.phrases import PhraseResolver

SEED = Path(__file__).resolve().parents[2] / "shared" / "seed" / "contact-page.txt"


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


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=120)
    args = ap.parse_args()
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
