"""Where a tensor's gradient is wrong, entry by entry: the data behind a heatmap.

A wrong row (one output unit's delta), a wrong column (one input), a wrong
diagonal band or a uniformly wrong tensor each leave their own picture; a
per-tensor maximum hides which. :func:`error_map` keeps, for every entry of a
tensor shown as a matrix (a vector as one row, a tensor of more than two axes
as its first axis by the rest), the log10 of its relative error

    rel_i = |g_i - n_i| / max(|g_i|, |n_i|, floor_T),   floor_T = eps**(1/3) * max_j |n_j|

(the scale of :mod:`gradcheck.compare` without the estimator's own error,
which the report does not keep per entry), or None where the entry was not
checked. A matrix larger than :data:`MAX_SIDE` on a side is shown in blocks,
each holding the largest error of the entries it covers, so one wrong entry
still shows.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np

from gradcheck.compare import scale_floor

#: Largest side of a map; bigger tensors are shown in blocks (their maximum).
MAX_SIDE = 48
#: log10 of the smallest relative error shown: float64 rounding, eps = 2**-52 ~ 1e-16 (and 0).
LOG_FLOOR = -16.0
#: log10 of the largest: a relative error of 1 is already "no digit right"; the scale saturates at 10.
LOG_CEIL = 1.0


def as_matrix(a: np.ndarray) -> np.ndarray:
    """A tensor as the matrix its heatmap shows: a scalar as 1x1, a vector as one row."""
    a = np.asarray(a, dtype=np.float64)
    if a.ndim == 0:
        return a.reshape(1, 1)
    if a.ndim == 1:
        return a.reshape(1, -1)
    return a.reshape(a.shape[0], -1)


def _blocks(rel: np.ndarray) -> tuple[np.ndarray, tuple[int, int]]:
    rows, cols = rel.shape
    br, bc = math.ceil(rows / MAX_SIDE), math.ceil(cols / MAX_SIDE)
    if br == bc == 1:
        return rel, (1, 1)
    out = np.full((math.ceil(rows / br), math.ceil(cols / bc)), np.nan)
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            block = rel[i * br : (i + 1) * br, j * bc : (j + 1) * bc]
            if np.any(np.isfinite(block)):
                out[i, j] = np.nanmax(block)
    return out, (br, bc)


def error_map(analytic: np.ndarray, numeric: np.ndarray, dtype=np.float64) -> dict[str, Any]:
    """Per-entry log10 relative error of one tensor (see the module docstring).

    Returns
    -------
    dict
        ``shape`` (the tensor's), ``block`` (entries per cell, rows and
        columns) and ``log10_rel`` (rows of cells: a float rounded to 0.1, or
        None for an entry that was not checked).

    Examples
    --------
    >>> m = error_map(np.array([[1.0, 2.0], [3.0, 4.0]]), np.array([[1.0, 2.0], [3.0, 2.0]]))
    >>> m["log10_rel"]
    [[-16.0, -16.0], [-16.0, -0.3]]
    """
    g, n = as_matrix(analytic), as_matrix(numeric)
    checked = np.isfinite(n) & np.isfinite(g)
    floor = scale_floor(n[checked], np.dtype(dtype)) if checked.any() else 1.0
    with np.errstate(invalid="ignore", divide="ignore"):
        rel = np.abs(g - n) / np.maximum(np.maximum(np.abs(g), np.abs(n)), floor)
        rel = np.where(checked, rel, np.nan)
        cells, block = _blocks(rel)
        logs = np.clip(np.log10(np.maximum(cells, 10.0**LOG_FLOOR)), LOG_FLOOR, LOG_CEIL)
    values = [
        [None if not np.isfinite(c) else round(float(v), 1) for c, v in zip(row_c, row_v)]
        for row_c, row_v in zip(cells, logs)
    ]
    return {"shape": list(np.shape(analytic)), "block": list(block), "log10_rel": values}


def error_maps(report, statuses: tuple[str, ...] = ("fail",)) -> dict[str, dict[str, Any]]:
    """Error maps of a GradientReport's tensors whose status is in ``statuses`` (failing ones by default)."""
    analytic: Mapping[str, np.ndarray] = report.analytic or {}
    numeric: Mapping[str, np.ndarray] = report.numeric or {}
    return {
        t.name: error_map(analytic[t.name], numeric[t.name], np.dtype(report.dtype))
        for t in report.tensors
        if t.status in statuses and t.name in analytic and t.name in numeric
    }
