"""Every point and ZIP outcome as one integer key: what a batch of millions and a single lookup share.

A key is county k as it is, county k near another territory, just outside county k (near an
office's territory or alone), a fixed outcome such as "military ZIP", a whole state for a ZIP with
no county, or one ZIP code of its own: a ZIP whose area reaches another territory (by the Census
ZCTA-to-county relationship, or by the spacing estimate of zipspread.py), whose decision names the
offices across the line. `point_keys` and `zip_key` pick
keys: the batch calls them on arrays of millions of rows, the locator on arrays of one. What a key
means (its status, offices and reason) is decided in decide.py (`Decider.entry`), which builds on
this class.
"""

from __future__ import annotations

from functools import cached_property
from typing import Any

import numpy as np
import numpy.typing as npt

from fieldoffice.core.answer import ReasonCode
from fieldoffice.directory.context import Context
from fieldoffice.geo.gazetteer import Zip

MILITARY_STATES = ("AA", "AE", "AP")
MILITARY_POST_OFFICES = ("APO", "FPO", "DPO")
ASSOCIATED_STATES = ("FM", "MH", "PW")  # Micronesia, Marshall Islands, Palau

# Key blocks over counties (n of them), then fixed outcomes, then one key per state for ZIPs
# that have no county and so answer for their whole state, then one per ZIP that reaches across.
INSIDE, INSIDE_NEAR, OUTSIDE_NEAR, OUTSIDE_ALONE = range(4)
BLOCKS = 4
FIXED_CODES: tuple[ReasonCode, ...] = (
    ReasonCode.OUTSIDE_COUNTIES,
    ReasonCode.UNKNOWN_ZIP,
    ReasonCode.MILITARY_ZIP,
    ReasonCode.ASSOCIATED_STATE_ZIP,
    ReasonCode.NO_COUNTY,
    ReasonCode.BAD_NUMBER,
    ReasonCode.OUT_OF_RANGE,
    ReasonCode.MISSING,
    ReasonCode.BAD_ZIP,
)

I32 = npt.NDArray[np.int32]


class Keys:
    """The key numbering of one context's counties, and the rules that pick a key."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.gaz = ctx.gazetteer
        self.terr = ctx.territories
        self.fips = [c.fips for c in self.gaz.counties]
        self.n = len(self.fips)
        self.county_index = {f: k for k, f in enumerate(self.fips)}
        self.states = sorted({c.state for c in self.gaz.counties})

    # -- groups: counties with the same set of offices ---------------------------------------------
    @cached_property
    def county_group(self) -> I32:
        """Per county, an id shared by every county claimed by exactly the same offices."""
        ids: dict[frozenset[str], int] = {frozenset(): 0}
        out = np.empty(self.n, dtype=np.int32)
        for k, f in enumerate(self.fips):
            out[k] = ids.setdefault(self.terr.offices_of(f), len(ids))
        return out

    @cached_property
    def county_has_office(self) -> npt.NDArray[np.bool_]:
        return np.array([bool(self.terr.offices_of(f)) for f in self.fips], dtype=bool)

    # -- keys -------------------------------------------------------------------------------------
    @property
    def n_keys(self) -> int:
        return self.zips_from + len(self.crossing_zips)

    @property
    def zips_from(self) -> int:
        """The first key of a ZIP code of its own."""
        return BLOCKS * self.n + len(FIXED_CODES) + len(self.states)

    def fixed_key(self, code: ReasonCode) -> int:
        return BLOCKS * self.n + FIXED_CODES.index(code)

    def state_key(self, usps: str) -> int:
        return BLOCKS * self.n + len(FIXED_CODES) + self.states.index(usps)

    def point_keys(
        self,
        county: npt.ArrayLike,
        home: npt.ArrayLike,
        near: npt.ArrayLike,
    ) -> I32:
        """The rule for points, over arrays.

        county: the county a point is in, or -1 if in none; home: for a point in none, the nearest
        county within the boundary tolerance (-1 if none); near: is a county of another group (than
        county, or than home for a point outside) within the tolerance.
        A point inside a county near another territory is near_boundary; a point just outside every
        county belongs to the nearest one, near_boundary when that or another nearby county has an
        office, uncovered when none has; a point far from every county is not found.
        """
        c = np.asarray(county, dtype=np.int32)
        h = np.asarray(home, dtype=np.int32)
        nr = np.asarray(near, dtype=bool)
        n = np.int32(self.n)
        keys = c + nr.astype(np.int32) * (n * INSIDE_NEAR)  # points inside a county (most)
        out = np.flatnonzero(c < 0)
        if len(out):
            ho, no = h[out], nr[out]
            safe_h = np.where(ho >= 0, ho, 0)
            reaches_office = self.county_has_office[safe_h] | no
            block = np.where(reaches_office, n * OUTSIDE_NEAR, n * OUTSIDE_ALONE)
            keys[out] = np.where(
                ho >= 0, safe_h + block, self.fixed_key(ReasonCode.OUTSIDE_COUNTIES)
            )
        return keys

    def zip_key(self, z: Zip) -> int:
        """The rule for a ZIP code: its county, or its own key when its area reaches another
        office's territory (see crossing_zips), or why it has none."""
        if z.county_fips:
            n = int(z.zip)
            at = int(np.searchsorted(self.crossing_zips, n))
            if at < len(self.crossing_zips) and self.crossing_zips[at] == n:
                return self.zips_from + at
            return self.county_index[z.county_fips]
        return self.no_county_key(z.state, z.city)

    @cached_property
    def crossing_zips(self) -> npt.NDArray[np.int64]:
        """The ZIP codes (as numbers, sorted) whose area reaches a county of another group than
        the one they are filed under: by the Census 2010 ZCTA-to-county relationship (what the
        ZIP's area was), or by the spacing estimate (zipspread.py: a ZIP the Census has no area
        for, or one whose area has grown). Each has a key of its own."""
        gaz = self.gaz
        filed = np.array([self.county_index.get(f, -1) for f in gaz.zips.county_column()])
        codes = np.array([int(z) for z in gaz.zips], dtype=np.int64)
        has = filed >= 0
        start, county = gaz.zip_reach_arrays
        counts = np.diff(start)
        row = np.repeat(np.arange(len(counts)), counts)
        other = self.county_group[county] != self.county_group[np.maximum(filed[row], 0)]
        census = np.zeros(len(codes), dtype=bool)
        census[row[other]] = True
        spacing = self.zip_spread["other_county"][codes] >= 0
        return np.sort(codes[has & (census | spacing)])

    @property
    def zip_spread(self) -> dict[str, npt.NDArray[Any]]:
        """Per 5-digit number, the nearest county of another group within the ZIP's reach."""
        from fieldoffice.lookup.zipspread import build_zip_spread

        return self.ctx.derived_arrays(
            "zip-spread", lambda: build_zip_spread(self.ctx, self.county_group)
        )

    def no_county_key(self, state: str, city: str) -> int:
        """A place or ZIP the data gives no county: military mail, a freely associated state, or
        else its whole state."""
        if state in MILITARY_STATES or city.upper() in MILITARY_POST_OFFICES:
            return self.fixed_key(ReasonCode.MILITARY_ZIP)
        if state in ASSOCIATED_STATES:
            return self.fixed_key(ReasonCode.ASSOCIATED_STATE_ZIP)
        if state in self.states:
            return self.state_key(state)
        return self.fixed_key(ReasonCode.NO_COUNTY)

    @cached_property
    def zip_keys(self) -> I32:
        """Key per 5-digit number (index = the ZIP as an integer); UNKNOWN_ZIP where there is none."""
        table = np.full(100_000, self.fixed_key(ReasonCode.UNKNOWN_ZIP), dtype=np.int32)
        for z in self.gaz.zips.values():
            table[int(z.zip)] = self.zip_key(z)
        return table
