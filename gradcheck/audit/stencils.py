"""Finite-difference stencils on any input of the submission's functions (run by the worker, in the sandbox).

A numerical gradient need not move the weights: it can differentiate the loss with respect to an
intermediate value (a layer's pre-activation) and form the weight gradients from those deltas. Its
evaluations are then calls of one function of the submission (the rest of the network, the loss)
on inputs that differ from each other by a tiny step in many entries, several of them on one line
through the point: ``x + 3h q, x + 2h q, ..., x - 3h q`` for a stencil along ``q``, whatever the
basis, the step or the float type (``np.longdouble`` included).

Rule: for each argument of each function of the submission, the move from its previous call's value
to this call's is taken when it is a small step (every entry within
:data:`~gradcheck.audit.probes.PERTURBATION_RTOL` of max(1, |x|), more than two entries moved). Two such
moves along the same line (the same unit direction up to sign, to :data:`DIRECTION_DIGITS` decimals)
are evaluations back and forth along one direction: a stencil, one perturbed place per line.
Backpropagation calls a function on the values it computes, never on a value and then on that value
nudged twice along one line; online updates move weights by ``-lr g`` each time, along a new
direction at every sample.

Successive rows of one array are data iterated over, not points of a stencil: ``np.apply_along_axis(f, 1,
dout)`` over the rows of a softmax's gradient at small weights moves between rows by steps as small as a
finite difference's, along a line that repeats exactly (a ReLU output zeroes the same scores in many rows).
A call whose argument starts elsewhere in the memory the previous call's argument belonged to is not a move.
Evaluations laid out as the rows of one array (``x + h * E``, then each row) are therefore not seen here.
"""

from __future__ import annotations

import hashlib

import numpy as np

__all__ = ["StencilLines", "direction_key"]

#: Decimals to which two unit directions are compared: the steps of one stencil or central difference, or of
#: one complex-step derivative, agree to rounding (eps / step ~ 1e-11 relative); the moves of successive
#: updates, or two derivatives' directions, differ in their leading digits.
DIRECTION_DIGITS = 6


def direction_key(way: np.ndarray) -> bytes:
    """A key of the unit vector ``way`` rounded to :data:`DIRECTION_DIGITS` decimals: steps along one direction
    share it (the watch's central differences, complex steps and stencils all tell directions apart so)."""
    return hashlib.blake2b((np.round(np.ravel(way), DIRECTION_DIGITS) + 0.0).tobytes(), digest_size=16).digest()


#: Moves in one or two entries are the watch's per-entry rule (:func:`gradcheck.audit.probes._small_diff`).
MIN_MOVED = 3
#: Lines remembered per argument (a long backward stays affordable).
MAX_LINES = 5000


#: A scalar argument is a step along a line when it is at most this (a line search's trial steps of a
#: derivative: ``phi(t)`` at ``t = +-h, +-2h, ...``; 2**-9 = 0.002 in one attack set's stencil).
SCALAR_STEP = 0.05
#: Exactly opposite scalar steps of this many sizes make a central difference of ``phi`` at 0.
SCALAR_PAIRS = 2


def _place(arr: np.ndarray) -> tuple:
    """``(the array owning arr's memory, where arr starts in it)``. A row is data iterated over only the first time
    its place is met: a stencil written in place into a workspace of two slots (``work[i % 2]``) comes back to a
    place, and is compared then."""
    owner = arr
    while isinstance(owner.base, np.ndarray):
        owner = owner.base
    return owner, arr.__array_interface__["data"][0]


class StencilLines:
    """Remembers, per argument slot, the previous value and the lines its small moves followed."""

    def __init__(self, rtol: float):
        self.rtol = rtol
        self.previous: dict[tuple, np.ndarray] = {}
        self.lines: dict[tuple, set[bytes]] = {}
        self.steps: dict[tuple, set[float]] = {}
        self.places: dict[tuple, tuple] = {}

    def scalar_hit(self, slot: tuple, t: float) -> tuple | None:
        """``("line", *slot-names, "t")`` when the slot, a float scalar, has been called at ``+-s`` for
        :data:`SCALAR_PAIRS` small sizes ``s``: ``phi(t) = L(x + t d)`` differentiated at ``t = 0``.

        A backward's scalars (a slope, a rate, an entry of the data) are not called back and forth at
        exactly opposite small values; a central difference of a function of a step length is.
        """
        if not np.isfinite(t) or t == 0.0 or abs(t) > SCALAR_STEP:
            return None
        seen = self.steps.setdefault(slot, set())
        if len(seen) < MAX_LINES:
            seen.add(t)
        pairs = {abs(s) for s in seen if -s in seen}
        return ("line", *(str(s) for s in slot[1:]), "t") if len(pairs) >= SCALAR_PAIRS else None

    def hit(self, slot: tuple, arr: np.ndarray) -> tuple | None:
        """``("line", *slot-names, direction)`` when ``arr`` moved from the slot's previous value along a line
        a small move followed before; None otherwise. ``arr`` is a base-class float array."""
        prev = self.previous.get(slot)
        self.previous[slot] = arr.copy()
        owner, at = _place(arr)
        before = self.places.get(slot)
        seen = before[1] if before is not None and before[0] is owner else set()
        self.places[slot] = (owner, seen)
        if prev is None or prev.shape != arr.shape:
            seen.add(at)
            return None
        if before is not None and before[0] is owner and at not in seen and len(seen) < MAX_LINES:
            seen.add(at)
            return None  # the next row of one array (np.apply_along_axis, for row in D): data iterated over
        seen.add(at)
        d = np.asarray(arr, dtype=np.longdouble) - np.asarray(prev, dtype=np.longdouble)
        moved = np.count_nonzero(d)
        if moved < MIN_MOVED or np.any(np.abs(d) > self.rtol * np.maximum(1.0, np.abs(prev))):
            return None
        way = (d / np.sqrt(np.sum(d * d))).astype(float).ravel()
        way *= np.sign(way[np.flatnonzero(way)[0]])  # back and forth along a line: one key
        key = direction_key(way)
        seen = self.lines.setdefault(slot, set())
        if key in seen:
            return ("line", *(str(s) for s in slot[1:]), key.hex())
        if len(seen) < MAX_LINES:
            seen.add(key)
        return None
