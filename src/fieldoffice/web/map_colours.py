"""How maps are coloured: Okabe & Ito's palette, neighbouring territories never alike (the legend
is what tells two far-apart offices of one colour apart), and a county claimed by several offices
striped, by none dotted."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

# Okabe & Ito's palette: told apart with the common colour-vision deficiencies, red-green included.
PALETTE = ("#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7")


def color_offices(adjacency: Mapping[str, set[str]], offices: Sequence[str]) -> dict[str, str]:
    """Greedy colouring, most-connected first: neighbouring territories never share a colour."""
    order = sorted(offices, key=lambda o: (-len(adjacency.get(o, ())), o))
    colors: dict[str, str] = {}
    for office in order:
        taken = {colors[n] for n in adjacency.get(office, ()) if n in colors}
        free = [c for c in PALETTE if c not in taken]
        if not free:
            raise RuntimeError(f"palette too small to colour {office!r} apart from its neighbours")
        used = list(colors.values())  # the least used free colour: each colour serves few offices
        colors[office] = min(free, key=lambda c: (used.count(c), PALETTE.index(c)))
    return colors


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
