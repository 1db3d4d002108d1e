"""Copies of a weight matrix with its units reordered and rescaled (run by the worker, in the sandbox).

A ReLU layer is positively homogeneous: multiplying a hidden unit's incoming weights by ``a > 0``
and dividing its outgoing weights by ``a`` leaves the network the same function (and with ``a = -1``,
so does an odd activation such as tanh). A numerical gradient can evaluate every probe on such a
copy, a new order and new factors each time, so that the copy holds none of the weight's values.

Here a copy of a matrix's shape is read unit by unit, along columns and along rows: each of its
vectors is matched with the weight's vector in the same direction (``|cos|`` nearest 1). A copy
whose vectors are all exact multiples of the weight's, in some order, but one, and that one a
multiple but for one or two entries moved by a small step (relative to the weight, once the factor
is taken out), is an evaluation at a perturbed point: the place is that entry of the weight (or
the unit, when the vector has two entries and which one moved cannot be told). Vectors of one
entry (a bias, a single output's weights) say nothing: any value is a multiple of any other; nor
does a copy in which no entry but those the factors are taken from agrees (a bias of three entries
read as one vector, two of them "moved": any three small numbers fit it).
"""

from __future__ import annotations

import numpy as np

__all__ = ["ScaledUnits"]

#: Entries agreeing to this many float64 epsilons, once the factor is taken out, are the same weight (the factor's own
#: rounding, and the product's).
SAME = 64 * np.finfo(float).eps


class ScaledUnits:
    """Per weight matrix, its unit vectors along each axis (computed once): copies are compared with them."""

    def __init__(self, rtol: float):
        self.rtol = rtol
        self.units: dict = {}  # (tensor, axis) -> (W, unit vectors, their screen values sorted)

    def place(self, t, copy: np.ndarray, w: np.ndarray) -> tuple | None:
        """The place where ``copy`` (``w``'s shape, 2-D) is ``w`` with its columns (or rows) reordered and rescaled and
        one or two entries moved by a small step: ``(entry,)`` of ``w`` flat, or ``("unit", axis, i)``; else None."""
        if copy.ndim != 2 or copy.shape != w.shape:
            return None
        for axis in (0, 1):  # vectors along axis 0 are columns (a unit's incoming weights), along 1 rows
            if w.shape[axis] < 2:
                continue
            place = self._one_unit_moved(t, axis, np.asarray(copy if axis == 0 else copy.T, dtype=float), w)
            if place is None:
                continue
            if place[0] == "unit":
                return ("unit", axis, place[1])
            return place if axis == 0 else tuple(_transposed(k, w.shape) for k in place)
        return None

    def _vectors(self, t, axis: int, w: np.ndarray) -> tuple | None:
        if (t, axis) not in self.units:
            W = np.asarray(w if axis == 0 else w.T, dtype=float)
            norms = np.linalg.norm(W, axis=0)
            unit = W / norms if np.all(norms > 0) else None
            screen = None if unit is None else np.sort(np.abs(_PROBE[: W.shape[0]] @ unit))
            self.units[(t, axis)] = (W, unit, screen)
        return self.units[(t, axis)]

    def _one_unit_moved(self, t, axis: int, C: np.ndarray, w: np.ndarray) -> tuple | None:
        """As :meth:`place`, for the columns of ``C`` against those of ``w`` (or ``w.T``): entries of that flat."""
        W, unit, screen = self._vectors(t, axis, w)
        norms = np.linalg.norm(C, axis=0)
        if unit is None or C.shape[0] > _PROBE.size or np.any(norms == 0):
            return None
        probe = _PROBE[: C.shape[0]]
        if np.any(np.abs(np.sort(np.abs(probe @ (C / norms))) - screen) > SCREEN * np.abs(probe).sum()):
            return None
        match = np.argmax(np.abs(unit.T @ (C / norms)), axis=0)
        if np.unique(match).size != match.size:
            return None
        moved, confirming = [], 0
        for j, i in enumerate(match):
            entries = _moved_entries(C[:, j], W[:, i], self.rtol)
            if entries is None:
                return None
            if entries:
                moved.append((int(i), entries))
            # each vector's factor is taken from one of its entries: only the others that agree confirm it
            confirming += int(np.count_nonzero(W[:, i])) - len(entries) - 1
        if len(moved) != 1 or confirming < 1:
            # (no entry confirms a factor: any vector of three small values is a multiple of a bias of three small
            # values, but for two entries "moved" by less than rtol)
            return None
        i, entries = moved[0]
        if W.shape[0] == 2:  # which of two entries moved cannot be told: the unit is the place
            return ("unit", i)
        return tuple(r * W.shape[1] + i for r in entries)


#: A fixed direction the unit vectors are projected on, a cheap screen before matching them (its entries are the
#: weights of a screen only: any values with no zero do).
_PROBE = np.random.default_rng(0).standard_normal(4096)
#: A copy passes the screen when its vectors' projections, sorted, are within this (times the probe's 1-norm) of the
#: weight's: a moved entry changes a unit vector by a small step relative to its size.
SCREEN = 0.05


def _transposed(k: int, shape: tuple) -> int:
    """The flat index in ``w`` (of ``shape``) of entry ``k`` of ``w.T`` flat."""
    i, j = divmod(k, shape[0])  # row i of w.T is column i of w
    return j * shape[1] + i


def _moved_entries(c: np.ndarray, w: np.ndarray, rtol: float) -> tuple | None:
    """``()`` when ``c`` is a multiple of ``w``; the one or two entries where it is not, each moved by a small step once
    the factor is taken out; None otherwise. The factor is the median ratio (either middle one for an even count)."""
    nz = w != 0
    if not np.any(nz) or not np.all(c[~nz] == 0):
        return None
    ratios = np.sort(c[nz] / w[nz])
    best = None
    for a in {float(ratios[(ratios.size - 1) // 2]), float(ratios[ratios.size // 2])}:
        if a == 0 or not np.isfinite(a):
            continue
        off = np.abs(c / a - w)
        moved = np.flatnonzero(off > SAME * np.maximum(np.abs(w), np.abs(c / a)))
        if moved.size <= 2 and np.all(off[moved] <= rtol * np.maximum(1.0, np.abs(w[moved]))):
            if best is None or moved.size < len(best):
                best = tuple(int(k) for k in moved)
    return best
