"""What the near index's grid alone decides, before the kernel: for the tests and the benchmark."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from fieldoffice.geo.near import NO, NearIndex


def fast_path(
    near: NearIndex, lon: npt.ArrayLike, lat: npt.ArrayLike, county: npt.ArrayLike
) -> npt.NDArray[np.uint8]:
    """What near_other's grid decides per point: NO, YES, or CHECK (the kernel decides)."""
    x, y = near._xy(lon, lat)
    out = np.full(len(x), NO, dtype=np.uint8)
    c = np.asarray(county, dtype=np.intp).ravel()
    pos, _, act, _ = near._actions(x, y, c, near._county_gid)
    out[pos] = act
    return out
