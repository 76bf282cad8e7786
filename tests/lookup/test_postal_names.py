"""A town the data knows only by its ZIP codes' postal name: where it is, the data cannot say,
only where its mail goes. So it answers as its ZIP does, never from the filing county alone where
the ZIP's area reaches another office's territory, and never above POSTAL_CONFIDENCE."""

from __future__ import annotations

from fieldoffice.core.models import CONFIDENCE_RANK
from fieldoffice.lookup.decide import POSTAL_CONFIDENCE
from fieldoffice.lookup.locate import Locator


def postal_only_names(loc: Locator) -> list[tuple[str, str, list[str]]]:
    """(state, name, ZIPs) of every postal city name that is no populated place of the gazetteer."""
    gaz = loc.ctx.gazetteer
    out = []
    for (state, key), zips in gaz.places.items():
        if gaz.geoplaces.named(state, key):
            continue
        out.append((state, gaz.place_names[(state, key)], zips))
    return out


def test_every_postal_name_with_one_zip_answers_as_its_zip(locator: Locator) -> None:
    names = [(s, n, z) for s, n, z in postal_only_names(locator) if len(z) == 1]
    assert len(names) > 5_000
    crossing = {f"{int(n):05d}" for n in locator.decider.crossing_zips}
    checked = 0
    bad: list[str] = []
    for state, name, (zip5,) in names:
        if zip5 not in crossing:
            continue
        a, z = locator.locate(f"{name}, {state}"), locator.locate(zip5)
        if a.location is None or a.location.kind != "place":
            continue  # the name is a county's or an area's ("Adams County, OH"): that wins
        checked += 1
        if (a.status, [o.id for o in a.offices]) != (z.status, [o.id for o in z.offices]):
            bad.append(f"{name}, {state} {a.status} {[o.id for o in a.offices]} / ZIP {zip5} "
                       f"{z.status} {[o.id for o in z.offices]}")  # fmt: skip
        assert (
            a.confidence is None
            or CONFIDENCE_RANK[a.confidence] <= CONFIDENCE_RANK[POSTAL_CONFIDENCE]
        )
    assert checked > 100
    assert bad == []


def test_a_postal_name_whose_zips_all_file_in_one_territory_names_where_any_reaches(
    locator: Locator,
) -> None:
    """Several ZIPs, all filed in one territory: if one reaches another office, so may the town."""
    crossing = {f"{int(n):05d}" for n in locator.decider.crossing_zips}
    terr, zips_of = locator.decider.terr, locator.ctx.gazetteer.zips
    seen = 0
    for state, name, zips in postal_only_names(locator):
        filed = {terr.offices_of(zips_of[z].county_fips or "") for z in zips}
        if len(zips) < 2 or len(filed) != 1 or not set(zips) & crossing:
            continue
        a = locator.locate(f"{name}, {state}")
        if a.location is None or a.location.kind != "place":
            continue
        reached = set().union(*({o.id for o in locator.locate(z).offices} for z in zips))
        widest = max(len(locator.locate(z).offices) for z in zips)
        assert a.status == "near_boundary", (name, state, a.status)
        assert len(a.offices) == widest and {o.id for o in a.offices} <= reached, (name, state)
        seen += 1
    assert seen > 10
