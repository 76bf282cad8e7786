"""Filtered orientation predicate: the sign of a 2x2 determinant, or "can't tell".

The index answers exactly like GEOS (which decides orientation exactly) by computing in float64
and trusting the sign only when it clears Shewchuk's error bound for orient2d; anything closer to
zero is reported as ambiguous and settled by shapely itself.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

_EPS = 2.0**-53
# Shewchuk, "Adaptive Precision Floating-Point Arithmetic and Fast Robust Geometric Predicates",
# ccwerrboundA: if |det| exceeds this times (|detleft| + |detright|), det's sign is exact.
ERRBOUND = (3.0 + 16.0 * _EPS) * _EPS

F64 = npt.NDArray[np.float64]


def orient(
    ax: F64, ay: F64, bx: F64, by: F64, cx: F64, cy: F64
) -> tuple[npt.NDArray[np.int8], npt.NDArray[np.bool_]]:
    """Sign of orient2d(a, b, c) (+1 counter-clockwise, -1 clockwise) and where it is ambiguous."""
    detleft = (ax - cx) * (by - cy)
    detright = (ay - cy) * (bx - cx)
    det = detleft - detright
    bound = ERRBOUND * (np.abs(detleft) + np.abs(detright))
    ambiguous = np.abs(det) <= bound
    return np.sign(det).astype(np.int8), ambiguous


def orient_one(ax: float, ay: float, bx: float, by: float, cx: float, cy: float) -> int:
    """Scalar orient: +1, -1, or 0 when the sign cannot be trusted."""
    detleft = (ax - cx) * (by - cy)
    detright = (ay - cy) * (bx - cx)
    det = detleft - detright
    if abs(det) <= ERRBOUND * (abs(detleft) + abs(detright)):
        return 0
    return 1 if det > 0 else -1
