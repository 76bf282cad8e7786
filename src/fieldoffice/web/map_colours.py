"""How maps are coloured: Okabe & Ito's palette, territories that touch never alike, nor offices
near each other in the legend (the legend and the map's numbers tell two far-apart offices of one
colour apart), and a county claimed by several offices striped, by none dotted."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

# Okabe & Ito's palette: told apart with the common colour-vision deficiencies, red-green included.
PALETTE = ("#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7")


LEGEND_REACH = 2  # offices this close in the legend (sorted by name) never share a colour


def color_offices(
    adjacency: Mapping[str, set[str]], offices: Sequence[str], legend: Sequence[str] = ()
) -> dict[str, str]:
    """Greedy colouring in office order, deterministic: an office's colour is none of the
    colours of the offices whose territories touch it, nor of those within LEGEND_REACH rows of
    it in `legend` (the legend's order); of the colours left, the least used. Where the palette
    runs out, the legend's neighbours give way first; should touching offices still leave none,
    the office takes the colour fewest of them have, and the number every territory carries on
    the map (and in the legend) tells them apart."""
    row = {o: i for i, o in enumerate(legend)}
    colors: dict[str, str] = {}
    for office in offices:
        touching = {colors[n] for n in adjacency.get(office, ()) if n in colors}
        near = {colors.get(legend[k], "") for k in _legend_rows(row.get(office), len(legend))}
        used = list(colors.values())
        free = [c for c in PALETTE if c not in touching | near]
        free = free or [c for c in PALETTE if c not in touching] or list(PALETTE)
        clash = [colors.get(n) for n in adjacency.get(office, ())]
        colors[office] = min(free, key=lambda c: (clash.count(c), used.count(c), PALETTE.index(c)))
    return colors


def _legend_rows(i: int | None, n: int) -> list[int]:
    if i is None:
        return []
    return [k for k in range(i - LEGEND_REACH, i + LEGEND_REACH + 1) if 0 <= k < n and k != i]


def distinct_colours(offices: Sequence[str], national: Mapping[str, str]) -> dict[str, str]:
    """Colours for the offices of one map: their national colours, except that two offices on
    the same map never share one (the later takes a palette colour no office there has)."""
    out: dict[str, str] = {}
    for o in offices:
        c = national.get(o)
        if c is not None and c not in out.values():
            out[o] = c
    wanted = {national.get(o) for o in offices}
    for o in offices:
        if o not in out:
            spare = [x for x in PALETTE if x not in out.values()]
            out[o] = next((x for x in spare if x not in wanted), spare[0] if spare else PALETTE[0])
    return {o: out[o] for o in offices}


CONTESTED_FILL = "url(#sm-contested)"
UNCOVERED_FILL = "url(#sm-uncovered)"


def owner_fill(owners: Sequence[str], colours: Mapping[str, str]) -> str:
    """How a county claimed by `owners` is painted: its office's colour, stripes or dots."""
    if len(owners) == 1:
        return colours[owners[0]]
    return CONTESTED_FILL if owners else UNCOVERED_FILL
