"""Offices and regions by the name typed in a search box: an office named exactly lands on its
page; words that located nothing are offered the office and region names close to them.

Why this is not the lookup's suggester (lookup/suggest.py): the suggester offers places, with
`fuzz.ratio` over whole names, and a place's name is most of what people type ("Renoo, NV").
Here people type part of a longer name ("Detriot" for "Detroit Office", "Tampa Ofice"), which the
plain ratio scores low because the rest of the name counts against it; `fuzz.WRatio` weighs partial
and reordered matches too. The pages have offered these names with WRatio at 70 from the start.
"""

from __future__ import annotations

from urllib.parse import urlencode

from rapidfuzz import fuzz, process

from fieldoffice.core.text import fold
from fieldoffice.directory.context import Context
from fieldoffice.lookup.wording import MAX_QUERY

CLOSE_NAME_CUTOFF = 70  # rapidfuzz WRatio, 0-100
CLOSE_NAMES = 5


def office_named(ctx: Context, q: str) -> str | None:
    """An office named exactly: its whole name ('Tampa Office') or its id as written
    ('san-diego'). A city's name alone ('Tampa', 'Houston') is a place, answered as one."""
    key, raw = fold(q), q.strip().lower()
    for o in ctx.directory.offices:
        if key == fold(o.name) or (raw == o.id and "-" in o.id):
            return o.id
    return None


def close_names(ctx: Context, q: str, prefix: str) -> list[dict[str, str]]:
    """Offices and regions whose name is close to words that located nothing, with their links
    (an office's page, or the region located) under the language's `prefix`."""
    choices = {o.name: f"{prefix}/offices/{o.id}" for o in ctx.directory.offices}
    choices.update({r.name: f"{prefix}/locate?{urlencode({'q': r.name + ', ' + r.state})}"
                    for r in ctx.regions.values()})  # fmt: skip
    hits = process.extract(q[:MAX_QUERY], list(choices), scorer=fuzz.WRatio, processor=fold,
                           limit=CLOSE_NAMES, score_cutoff=CLOSE_NAME_CUTOFF)  # fmt: skip
    return [{"label": hit, "url": choices[hit]} for hit, _score, _i in hits]
