"""Build time: the names the USPS knows a ZIP code's area by but does not accept in an address.

The USPS city/state file gives each ZIP code its city, the other city names it accepts, and names
it does not accept though they are places within the ZIP's area: New York's towns (Clarkstown for
10956, New City; Bethlehem for 12054, Delmar), some census-designated places (San Buenaventura,
the legal name of Ventura). PyPI `zipcodes` ships them as `unacceptable_cities`.

Such a name is kept as a ZIP's last alternative name only where nothing else in its state has the
name: no ZIP's city or accepted name (those keep their own ZIP codes, and a "not acceptable" name
never widens them) and no county's name, with its kind word or without ("Westchester" is a not
acceptable name in the Bronx, "Jefferson County" one in Golden: both stay the county). So such a
name only makes a name known that was unknown, and it answers as postal names do: from its ZIP
codes' counties.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from fieldoffice.core.text import fold


def recognised_names(
    zips: Iterable[Mapping[str, Any]], county_names: Iterable[tuple[str, str]]
) -> dict[str, list[str]]:
    """Per ZIP code, the not acceptable names (as `zipcodes` writes them) that become its last
    alternative names. `zips` are `zipcodes` records; `county_names` is (state, name) of each
    county, under each name it goes by ("Westchester County", "Westchester")."""
    zips = list(zips)
    taken = {(st, fold(name)) for st, name in county_names}
    for z in zips:
        for name in (z["city"], *(z.get("acceptable_cities") or ())):
            taken.add((z["state"], fold(name)))
    out: dict[str, list[str]] = {}
    for z in zips:
        seen: set[str] = set()
        for name in z.get("unacceptable_cities") or ():
            key = fold(name)
            if not key or key in seen or (z["state"], key) in taken:
                continue
            seen.add(key)
            out.setdefault(z["zip_code"], []).append(name)
    return out
