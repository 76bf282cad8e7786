"""The arrays of a prebuilt point index, and how they are stored (one .npz file)."""

from __future__ import annotations

from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

FORMAT_VERSION = 1


@dataclass(frozen=True)
class IndexArrays:
    origin_x: float
    origin_y: float
    coarse_deg: float
    sub: int
    coarse: npt.NDArray[np.int32]  # (ny, nx): >=0 polygon, -1 none, <=-2 block -v-2
    fine: npt.NDArray[np.int32]  # (blocks*sub*sub): >=0 polygon, -1 none, <=-2 mixed cell -v-2
    cell_cx: npt.NDArray[np.float64]  # reference point of each mixed cell
    cell_cy: npt.NDArray[np.float64]
    cell_edge_start: npt.NDArray[np.int64]  # CSR into pair_* (mixed cells + 1)
    pair_edge: npt.NDArray[np.int32]  # edge crossing the cell
    pair_slot: npt.NDArray[np.int16]  # its polygon's position among the cell's candidates
    pair_csign: npt.NDArray[np.int8]  # orient(a, b, C), never 0
    cell_cand_start: npt.NDArray[np.int64]  # CSR into cand_* (mixed cells + 1)
    cand_poly: npt.NDArray[np.int32]  # candidate polygons, ascending within a cell
    cand_inside: npt.NDArray[np.bool_]  # does the candidate cover C
    edges: npt.NDArray[np.float64]  # (n, 4): ax, ay, bx, by
    n_polys: int

    def save(self, path: Path) -> None:
        arrays: dict[str, Any] = {f.name: getattr(self, f.name) for f in fields(self)}
        arrays["format_version"] = FORMAT_VERSION
        np.savez_compressed(path, **arrays)

    @classmethod
    def load(cls, path: Path) -> IndexArrays:
        with np.load(path) as z:
            if int(z["format_version"]) != FORMAT_VERSION:
                raise ValueError(
                    f"{path}: index format {int(z['format_version'])}, expected {FORMAT_VERSION}"
                )
            kw: dict[str, Any] = {}
            for f in fields(cls):
                value = z[f.name]
                kw[f.name] = value.item() if value.ndim == 0 else value
            return cls(**kw)

    @property
    def nbytes(self) -> int:
        return sum(v.nbytes for v in vars(self).values() if isinstance(v, np.ndarray))
