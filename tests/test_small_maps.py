"""Small maps are drawn once per county set and kept in a bounded LRU per context."""

from __future__ import annotations

import re

from fieldoffice.context import Context
from fieldoffice.web.svgmap import SmallMaps, small_map


def test_a_small_map_highlights_exactly_its_counties(ctx: Context) -> None:
    nv = [c.fips for c in ctx.gazetteer.counties if c.state == "NV"]
    svg = small_map(ctx, nv, {}, "Nevada <b>")
    titles = re.findall(r'<path d="[^"]+" class="county highlight"><title>([^<]+)</title>', svg)
    assert sorted(titles) == sorted(ctx.gazetteer.county_by_fips[f].label for f in nv)
    assert 'aria-label="Nevada &lt;b&gt;"' in svg
    assert 'class="county"' in svg  # neighbours drawn around it


def test_the_same_counties_are_drawn_once_whatever_the_label(ctx: Context) -> None:
    maps = SmallMaps(ctx)
    calls = 0
    draw = maps._draw

    def counted(chosen: tuple[str, ...]) -> tuple[str, str]:
        nonlocal calls
        calls += 1
        return draw(chosen)

    maps._draw = counted  # type: ignore[method-assign]
    a = maps.draw(["32031", "32510"], "one")
    b = maps.draw(["32510", "32031", "32031"], "two")
    assert calls == 1
    assert a.replace('aria-label="one"', "") == b.replace('aria-label="two"', "")
    assert maps.draw(["99999"], "none") == "" and calls == 1


def test_the_cache_is_bounded(ctx: Context) -> None:
    maps = SmallMaps(ctx)
    maps.SIZE = 3
    fipses = [c.fips for c in ctx.gazetteer.counties if c.state == "RI"]
    for f in fipses:
        maps.draw([f], "x")
    assert len(maps._drawn) == 3
    assert tuple([fipses[-1]]) in maps._drawn and tuple([fipses[0]]) not in maps._drawn
