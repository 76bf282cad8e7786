"""Small maps are drawn once per county set, colouring and marker, and kept in a bounded LRU per
context; state maps show every county of a state by office."""

from __future__ import annotations

import re
from typing import Any

from fieldoffice.directory.context import Context
from fieldoffice.web.svgmap import (
    CONTESTED_FILL,
    MapData,
    Marker,
    SmallMaps,
    distinct_colours,
    small_map,
    state_map,
)


def test_a_small_map_highlights_exactly_its_counties(ctx: Context) -> None:
    nv = [c.fips for c in ctx.gazetteer.counties if c.state == "NV"]
    svg = small_map(ctx, nv, {}, "Nevada <b>")
    titles = re.findall(r'<path d="[^"]+" class="county highlight"><title>([^<]+)</title>', svg)
    assert sorted(titles) == sorted(ctx.gazetteer.county_by_fips[f].label for f in nv)
    assert 'aria-label="Nevada &lt;b&gt;"' in svg
    assert 'class="county"' in svg  # neighbours drawn around it


def test_every_county_is_coloured_as_asked(ctx: Context) -> None:
    tx = [c.fips for c in ctx.gazetteer.counties if c.state == "TX"]
    fills = {f: ("#E69F00" if i % 2 else CONTESTED_FILL) for i, f in enumerate(tx)}
    svg = small_map(ctx, tx, {}, "Texas", fills=fills)
    groups = re.findall(r'<g fill="([^"]+)" class="answer-counties">(.*?)</g>', svg)
    counted = {fill: len(re.findall(r"<path ", body)) for fill, body in groups}
    assert counted == {"#E69F00": 127, CONTESTED_FILL: 127}
    assert 'id="sm-contested"' in svg  # the stripes it refers to come with it


def test_a_marker_and_its_outline_are_drawn_and_named(ctx: Context) -> None:
    ring = ((-119.9, 39.45), (-119.7, 39.45), (-119.7, 39.6), (-119.9, 39.6))
    svg = small_map(ctx, ["32031"], {}, "Reno", marker=Marker(39.53, -119.81, "Reno <&>", ring))
    assert 'class="place-outline"' in svg and 'class="place-dot"' in svg
    assert ">Reno &lt;&amp;&gt;</text>" in svg


def test_the_same_drawing_is_made_once_whatever_the_label(ctx: Context) -> None:
    maps = SmallMaps(ctx)
    calls = 0
    draw = maps._draw

    def counted(*args: Any) -> tuple[str, str]:
        nonlocal calls
        calls += 1
        return draw(*args)

    maps._draw = counted  # type: ignore[method-assign,assignment]
    a = maps.draw(["32031", "32510"], "one")
    b = maps.draw(["32510", "32031", "32031"], "two")
    assert calls == 1
    assert a.replace('aria-label="one"', "") == b.replace('aria-label="two"', "")
    assert maps.draw(["99999"], "none") == "" and calls == 1
    # another colouring or another marker is another drawing
    maps.draw(["32031", "32510"], "x", fills={"32031": "#E69F00", "32510": "#E69F00"})
    maps.draw(["32031", "32510"], "x", marker=Marker(39.53, -119.81, "Reno"))
    maps.draw(["32031", "32510"], "x", marker=Marker(39.53, -119.81, "Reno"))
    assert calls == 3


def test_the_cache_is_bounded(ctx: Context) -> None:
    maps = SmallMaps(ctx)
    maps.SIZE = 3
    fipses = [c.fips for c in ctx.gazetteer.counties if c.state == "RI"]
    for f in fipses:
        maps.draw([f], "x")
    assert len(maps._drawn) == 3
    assert maps.key((fipses[-1],), (), None) in maps._drawn
    assert maps.key((fipses[0],), (), None) not in maps._drawn


def test_alaska_is_drawn_across_180_degrees(ctx: Context) -> None:
    ak = [c.fips for c in ctx.gazetteer.counties if c.state == "AK"]
    svg = small_map(ctx, ak, {}, "Alaska")
    w, h = (float(x) for x in re.search(r'viewBox="0 0 (\S+) (\S+)"', svg).groups())  # type: ignore[union-attr]
    assert w <= 400 and h >= 200  # not a strip 360 degrees wide
    xs = [float(x) for x in re.findall(r"[ML](-?[\d.]+),", svg)]
    assert min(xs) >= -1 and max(xs) <= w + 1


def test_a_state_map_links_each_office_and_names_every_county(ctx: Context) -> None:
    data = MapData(ctx)
    t = {"label": "Texas", "office_label": "{name}: {n} counties",
         "contested_label": "Claimed by {offices}", "uncovered_label": "Nobody"}  # fmt: skip
    svg = state_map(data, "TX", t, "/es")
    links = re.findall(r'<a href="(/es/offices/[^"]+)" aria-label="([^"]+)">', svg)
    assert sorted(links) == [
        ("/es/offices/dallas", "Dallas Office: 128 counties"),
        ("/es/offices/el-paso", "El Paso Office: 18 counties"),
        ("/es/offices/houston", "Houston Office: 54 counties"),
        ("/es/offices/san-antonio", "San Antonio Office: 54 counties"),
    ]
    assert len(re.findall(r"<title>[^<]+, TX</title>", svg)) == 254
    assert state_map(data, "TX", t, "/es") is svg  # drawn once per context
    fl = state_map(data, "FL", t, "")
    assert 'href="/locate?q=Florida"' in fl and "Claimed by Miami Office / Tampa Office" in fl


def test_offices_on_one_map_never_share_a_colour() -> None:
    national = {"a": "#E69F00", "b": "#E69F00", "c": "#56B4E9"}
    colours = distinct_colours(["a", "b", "c"], national)
    assert colours["a"] == "#E69F00" and colours["c"] == "#56B4E9"
    assert len(set(colours.values())) == 3


def test_offices_that_touch_or_sit_near_in_the_legend_never_share_a_colour(ctx: Context) -> None:
    import shapely

    data = MapData(ctx)
    gaz = ctx.gazetteer
    left, right = shapely.STRtree(gaz.polygons).query(gaz.polygons, predicate="intersects")
    touching = set()
    for i, j in zip(left.tolist(), right.tolist(), strict=True):
        for a in ctx.territories.offices_of(gaz.counties[i].fips):
            touching.update((a, b) for b in ctx.territories.offices_of(gaz.counties[j].fips))
    touching = {(a, b) for a, b in touching if a != b}
    assert ("dallas", "houston") in touching and ("newark", "new-york") in touching
    for a, b in touching:
        assert data.colors[a] != data.colors[b], (a, b)
    legend = [r.owners[0] for r in data.legend() if r.number is not None]
    assert len(legend) == len(ctx.directory.offices)
    for near in (1, 2):
        for a, b in zip(legend, legend[near:], strict=False):
            assert data.colors[a] != data.colors[b], (a, b)
    assert data.colors["atlanta"] != data.colors["chicago"]  # two rows apart, once alike


def test_a_colouring_is_deterministic_and_never_fails() -> None:
    from fieldoffice.web.map_colours import PALETTE, color_offices

    offices = [f"o{i}" for i in range(12)]
    everyone = {o: set(offices) - {o} for o in offices}  # more touching offices than colours
    first = color_offices(everyone, offices, offices)
    assert first == color_offices(everyone, offices, offices)
    assert [first[o] for o in offices[: len(PALETTE)]] == list(PALETTE)
    assert set(first.values()) <= set(PALETTE)  # the numbers on the map tell the rest apart


def test_alaska_hawaii_and_the_territories_are_labelled_on_the_national_map(ctx: Context) -> None:
    from fieldoffice.web.svgmap import national_map

    data = MapData(ctx)
    t = {"map_title": "t", "map_desc": "d", "contested_label": "{offices}", "uncovered_label": "u"}
    svg = national_map(data, t)
    insets = re.findall(r'<g class="map-label inset( none)?"><rect[^>]*/><text[^>]*>([^<]+)<', svg)
    numbers = data.numbers()
    owner: dict[str, set[str]] = {s: set() for s in ("AK", "HI", "PR", "VI")}
    for c in ctx.gazetteer.counties:
        if c.state in owner:
            owner[c.state].update(ctx.territories.offices_of(c.fips))
    expected = {"/".join(str(numbers[o]) for o in sorted(owner[s])) or s for s in owner}
    assert {text for _none, text in insets} == expected
    assert str(numbers["seattle"]) in expected  # Alaska is Seattle's


def test_a_small_map_names_the_states_around_the_answer(ctx: Context) -> None:
    washoe = [c.fips for c in ctx.gazetteer.counties if c.label.startswith("Washoe")]
    svg = small_map(ctx, washoe, {}, "Reno")
    group = re.search(r'<g class="state-labels" aria-hidden="true">(.*?)</g>', svg)
    assert group is not None
    spots = {s: (float(x), float(y)) for x, y, s in re.findall(r'<text x="([\d.]+)" y="([\d.]+)">([A-Z]{2})</text>', group.group(1))}  # fmt: skip
    assert {"CA", "NV", "OR"} <= set(spots), spots
    # Nevada is named in a Nevada county other than Washoe, the answer's
    (washoe_d,) = re.findall(r'<path d="([^"]+)" class="county highlight">', svg)
    xs = [float(v) for v in re.findall(r"(?:M|L)([\d.]+),", washoe_d)]
    assert not min(xs) <= spots["NV"][0] <= max(xs)
