"""Copies of the weights moved by a tiny step, in whatever array holds them (run by the worker, in the sandbox).

The call watch (:mod:`gradcheck.audit.probes`) compares a frame's local arrays with each weight
tensor of the grader's point: a copy moved by a small step in one or two entries is an
evaluation at a perturbed point. A numerical gradient written with numpy alone need not make
such a copy:

* **a batch axis of copies**: one array stacks every perturbed copy, ``theta + h e_i`` for all
  ``i`` at once (shape ``(2P, *W.shape)`` or ``(2P, P)``), and the forward runs on the stack;
* **one flat vector** of every weight (``np.concatenate`` of the tensors), moved and passed to a
  cost function of the submission's own;
* **random directions**: every entry moved at once by a tiny step, along directions with no line
  in common, the gradient fitted by least squares (no move is ever undone, so no central
  difference along one line shows).

Here every array of a weight's shape, of the flat vector's shape, or a stack of either along
leading axes, is read as that many copies; a copy a small step away from the weights
(every entry within ``rtol`` of ``max(1, |w|)``) in one or two entries is a perturbed place,
as before. A copy moved in more entries is a move; a numerical gradient makes many of them from
the same point, in unrelated directions (pairwise ``|cos| < UNRELATED``) and of about one size
(within a factor ``SIZE_RATIO``): :data:`STAR` such moves are evaluations around the point,
each one place, unless it lies near a move seen before. Backpropagation makes none: an update
moves a copy once per step, and online updates walk away from the point, each position one small
step from the last.
The watch runs at the grader's second point, where no tensor is all zeros, so a small array of
deltas is not a copy of a zero bias.
"""

from __future__ import annotations

import decimal
import fractions
from collections.abc import Iterator

import numpy as np

from gradcheck.audit.stencils import direction_key

__all__ = ["MAX_COPIES", "STAR", "WeightCopies", "nested_floats"]

#: Moves in unrelated directions from the point that make evaluations around it (the first STAR - 1 are not
#: counted: a walk's first few positions may be unrelated by chance).
STAR = 6
#: Copies of fewer entries are not read for moves in many entries: in few dimensions a random walk comes back
#: near its start and passes for directions around it. Pure-noise walks (steps with no common direction, the
#: worst case of per-sample updates) left two such places in 30 of 300 walks in 5 dimensions, 2 of 1,000 in 12,
#: 2 of 3,000 in 16 and none of 3,000 in 17 or 24 (STAR = 6); walks with a common direction, none.
STAR_ENTRIES = 16
#: Two moves are unrelated when the cosine of their angle is under this in magnitude (a walk's positions of
#: about one size have cosines above it; random directions in 10 or more dimensions rarely do).
UNRELATED = 0.5
#: Two moves are of about one size when their norms are within this factor.
SIZE_RATIO = 2.0
#: A move within this fraction of its size of a move seen before is a walk's next position (a step of an
#: online update from the last), not an evaluation around the point: those are all as far from each other
#: as from the point (random directions: about sqrt(2) times their size).
FAR = 0.7
#: Copies read from one stack at most, and moves remembered (a long backward stays affordable).
MAX_COPIES = 4096
#: A new move is compared with this many of the latest moves.
RECENT = 64


class WeightCopies:
    """The weights' tensors at the point (``base``) and the moves of their copies seen so far."""

    def __init__(self, base: list[np.ndarray], rtol: float, min_size: int):
        self.rtol = rtol
        self.tensors = [(i, b) for i, b in enumerate(base) if b.size >= min_size]
        flat = np.concatenate([b.ravel() for b in base]) if base else np.zeros(0)
        self.flat = flat if len(base) > 1 and flat.size >= min_size else None
        self.moves: dict = {}  # per tensor (or "flat"): direction key -> (move, counted)

    def hits(self, arr: np.ndarray) -> list[tuple]:
        """The places where ``arr`` holds perturbed copies of the weights (a tensor, the flat vector, or a stack of
        either: one place per copy), or []."""
        for t, b in self._bases():
            if arr.ndim < b.ndim or arr.shape[arr.ndim - b.ndim :] != b.shape:
                continue
            copies = arr.reshape(-1, *b.shape) if arr.ndim > b.ndim else arr[None]
            found = self._copies_hits(t, b, copies[:MAX_COPIES])
            if found:
                return found
        return []

    def _bases(self) -> Iterator[tuple]:
        yield from self.tensors
        if self.flat is not None:
            yield "flat", self.flat

    def _copies_hits(self, t, b: np.ndarray, copies: np.ndarray) -> list[tuple]:
        d = np.asarray(copies, dtype=float).reshape(len(copies), -1) - b.ravel()
        small = np.all(np.abs(d) <= self.rtol * np.maximum(1.0, np.abs(b.ravel())), axis=1)
        moved = np.count_nonzero(d, axis=1)
        found = []
        for k in np.flatnonzero(small & (moved > 0)):
            if moved[k] <= 2:
                found.append(("local", t, *(int(i) for i in np.flatnonzero(d[k]))))
                continue
            around = self._star(t, d[k]) if d[k].size >= STAR_ENTRIES else None
            if around is not None:
                found.append(around)
        return found

    def _star(self, t, move: np.ndarray) -> tuple | None:
        """``("around", t, direction)`` when ``move`` and at least ``STAR - 1`` of the last ``RECENT`` moves
        before it are unrelated and of about one size; the move is remembered either way."""
        seen = self.moves.setdefault(t, {})
        size = float(np.linalg.norm(move))
        key = direction_key(move / size)
        if key in seen:  # the same copy seen again at a later call
            return ("around", t, key.hex()) if seen[key][1] else None
        unrelated, near = 0, False
        for m, _ in list(seen.values())[-RECENT:]:
            other = float(np.linalg.norm(m))
            near = near or float(np.linalg.norm(move - m)) < FAR * size
            if 1 / SIZE_RATIO <= size / other <= SIZE_RATIO and abs(float(m @ move)) < UNRELATED * size * other:
                unrelated += 1
        around = unrelated >= STAR - 1 and not near
        if len(seen) < MAX_COPIES:
            seen[key] = (move.copy(), around)
        return ("around", t, key.hex()) if around else None


#: Entries of a nested list of floats read as an array at most (the watch reads it at every library call).
MAX_LISTED = 4096
#: The number types a nested list's entries may have, exactly (a subclass's ``__float__`` is the submission's code):
#: Python and numpy floats, exact rationals and decimals (a forward in exact arithmetic, its step a Fraction).
NUMBERS = (float, np.float64, np.float32, np.float16, np.longdouble, fractions.Fraction, decimal.Decimal)


def nested_floats(value) -> np.ndarray | None:
    """A plain list (of lists ...) of numbers (:data:`NUMBERS`), or an object array of them, as a float array, read
    through the base classes only; None for anything else (ragged, another type inside, too many entries)."""
    if isinstance(value, np.ndarray):
        if value.dtype != object or not 0 < value.size <= MAX_LISTED:
            return None
        items, shape = np.ndarray.tolist(np.ndarray.ravel(value)), value.shape
    else:
        items, shape = _nested_items(value)
    if items is None or any(type(x) not in NUMBERS for x in items):
        return None
    return np.array([float(x) for x in items], dtype=float).reshape(shape)


def _nested_items(value) -> tuple[list | None, tuple]:
    """The entries of a rectangular nested list, row by row, and its shape; ``(None, ())`` when it is none."""
    shape, level = [], value
    while isinstance(level, list):
        if list.__len__(level) == 0:
            return None, ()
        shape.append(list.__len__(level))
        level = list.__getitem__(level, 0)
    if not shape or int(np.prod(shape)) > MAX_LISTED:
        return None, ()
    items = [value]
    for n in shape:
        below = []
        for node in items:
            if not isinstance(node, list) or list.__len__(node) != n:
                return None, ()
            below.extend(list.__getitem__(node, slice(None)))
        items = below
    return items, tuple(shape)
