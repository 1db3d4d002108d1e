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
  difference along one line shows);
* **relabelled copies**: the hidden units in another order and with flipped signs (an odd
  activation such as tanh makes that the same network) or rescaled (ReLU), a new order for
  every evaluation, so that no entry of the copy is in its own place.

Here every array of a weight's shape, of the flat vector's shape, or a stack of either along
leading axes (every copy a row) or trailing ones (every copy a column, as ``scipy.differentiate.jacobian``
hands its function the copies), is read as that many copies; a copy a small step away from the weights
(every entry within ``rtol`` of ``max(1, |w|)``) in one or two entries is a perturbed place,
as before. An array of a weight's size (or a stack of them) that holds the weight's entries in any
order and with any signs, all but one or two of them exactly and those a small step away, is a
perturbed place too: its entries' magnitudes are the weight's, as a multiset, but for the probe's
step (:func:`relabelled_moved`); so is a matrix whose columns (or rows) are the weight's rescaled, in
any order, one or two entries moved (:mod:`gradcheck.audit.scaledunits`). A copy moved in more
entries is a move; a numerical gradient makes many of them from the same point, in unrelated
directions (pairwise ``|cos| < UNRELATED``) and of about one size (within a factor ``SIZE_RATIO``):
:data:`STAR` such moves are evaluations around the point, each one place, unless it lies near a
move seen before. Backpropagation makes none: an update moves a copy once per step, and online
updates walk away from the point, each position one small step from the last.
The watch runs at the grader's second point, where no tensor is all zeros, so a small array of
deltas is not a copy of a zero bias.
"""

from __future__ import annotations

import decimal
import fractions
from collections.abc import Iterator

import numpy as np

from gradcheck.audit.rays import Rays
from gradcheck.audit.scaledunits import ScaledUnits
from gradcheck.audit.stencils import direction_key

__all__ = ["MAX_COPIES", "STAR", "WeightCopies", "nested_floats", "relabelled_moved"]

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
#: Arrays in which nothing was found remembered at most (by a hash of their content).
MAX_QUIET = 1 << 16


class WeightCopies:
    """The weights' tensors at the point (``base``) and the moves of their copies seen so far."""

    def __init__(self, base: list[np.ndarray], rtol: float, min_size: int):
        self.rtol = rtol
        self.tensors = [(i, b) for i, b in enumerate(base) if b.size >= min_size]
        flat = np.concatenate([b.ravel() for b in base]) if base else np.zeros(0)
        self.flat = flat if len(base) > 1 and flat.size >= min_size else None
        self.moves: dict = {}  # per tensor (or "flat"): direction key -> (move, counted)
        self.rays = Rays()
        self.magnitudes: dict = {}  # per tensor: its entries' magnitudes, sorted
        self.units = ScaledUnits(rtol)
        self.quiet: set[int] = set()  # arrays (by content) in which nothing was found

    def hits(self, arr: np.ndarray) -> list[tuple]:
        """The places where ``arr`` holds perturbed copies of the weights (a tensor, the flat vector, or a stack of
        either: one place per copy), or [].

        An array holding what an earlier one held, and in which nothing was found, is passed over (a frame's arrays are
        read again at every library call it makes): every rule here finds in it what it found before, but for a point of
        a line that :mod:`~gradcheck.audit.rays` counts later, whose later points name that line."""
        seen = hash((arr.shape, arr.dtype.str, arr.tobytes()))  # salted per process: no array can be made to collide
        if seen in self.quiet:
            return []
        for t, b in self._bases():
            for copies in _stacks(arr, b):
                found = self._copies_hits(t, b, copies[:MAX_COPIES])
                if found:
                    return found
        found = self._relabelled_hits(arr)
        if not found and len(self.quiet) < MAX_QUIET:
            self.quiet.add(seen)
        return found

    def _relabelled_hits(self, arr: np.ndarray) -> list[tuple]:
        """The places where ``arr`` (or each copy of a stack of them) holds a weight's entries in other places and with
        other signs, one or two of them moved by a small step: ``("local", t, *entries)``, entries of the weight."""
        for t, b in self._bases():
            if arr.size < b.size or arr.size % b.size or not _trailing(arr.shape, b.size):
                continue
            copies = np.asarray(arr, dtype=float).reshape(-1, b.size)[:MAX_COPIES]
            if t not in self.magnitudes:
                self.magnitudes[t] = np.sort(np.abs(b.ravel()))
            found = [("local", t, *m) for m in relabelled_moved(copies, b, self.rtol, self.magnitudes[t]) if m]
            if not found and arr.shape == b.shape:  # units reordered and rescaled (a ReLU layer's symmetry)
                place = self.units.place(t, arr, b)
                found = [] if place is None else [("local", t, *place)]
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
        found = self.rays.hits(t, d[~small & (moved > 0)])
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


def _stacks(arr: np.ndarray, b: np.ndarray) -> Iterator[np.ndarray]:
    """``arr`` read as copies of ``b``: stacked along leading axes (every copy a row, ``(K, *b.shape)``), and along
    trailing ones (every copy a column, ``(*b.shape, K)``: ``theta[:, None] + h * I``, as
    ``scipy.differentiate.jacobian`` hands its function the copies), each as ``(K, *b.shape)``."""
    if arr.ndim >= b.ndim and arr.shape[arr.ndim - b.ndim :] == b.shape:
        yield arr.reshape(-1, *b.shape) if arr.ndim > b.ndim else arr[None]
    if arr.ndim > b.ndim and arr.shape[: b.ndim] == b.shape:
        yield np.moveaxis(arr.reshape(*b.shape, -1), -1, 0)


def _trailing(shape: tuple, size: int) -> bool:
    """Do trailing axes of ``shape`` hold exactly ``size`` entries (one copy, the leading axes a stack of them)?"""
    return any(int(np.prod(shape[k:])) == size for k in range(len(shape) + 1))


def relabelled_moved(copies: np.ndarray, b: np.ndarray, rtol: float, mags: np.ndarray) -> list[tuple[int, ...]]:
    """For each row of ``copies`` (one copy of ``b``, flat): the entries of ``b`` (one or two) it holds moved by a small
    step (within ``rtol`` of ``max(1, |w|)``), every other entry of ``b`` being in it exactly, in any place and with
    either sign; ``()`` for a row that is no such copy. ``mags``: the magnitudes of ``b``'s entries, sorted.

    Screens first, every row at once: the sum of a moved copy's squares is within what two steps ``s`` change
    (``2 (2 |w| s + s**2)``) of the weight's, and the rounding of summing them in another order; sorting is 1-Lipschitz
    in the largest difference, so its sorted magnitudes are within the step of the weight's. Only rows passing both are
    sorted and matched value by value.
    """
    top = float(mags[-1])
    step = rtol * max(1.0, top)
    squares = float(np.einsum("i,i->", mags, mags))
    bound = 2 * (2 * top * step + step**2) + 4 * mags.size * np.finfo(float).eps * squares
    close = np.abs(np.einsum("ij,ij->i", copies, copies) - squares) <= bound
    close &= ~np.all(copies == b.ravel(), axis=1)  # the weight itself, entry by entry (a local alias of it)
    out: list[tuple[int, ...]] = [()] * len(copies)
    for k in np.flatnonzero(close):
        row = np.sort(np.abs(copies[k]))
        diff = np.abs(row - mags)
        if np.all(diff <= rtol * np.maximum(1.0, mags)) and np.any(diff > 0):
            out[k] = _one_or_two_moved(row, mags, np.abs(b.ravel()), rtol)
    return out


def _one_or_two_moved(row: np.ndarray, mags: np.ndarray, flat: np.ndarray, rtol: float) -> tuple[int, ...]:
    """The entries of ``flat`` (magnitudes ``mags``, sorted) that ``row`` (sorted magnitudes) misses, when it misses one
    or two and holds as many values instead, each a small step from one missed; else ``()``."""
    extra, missing = _surplus(row, mags), _surplus(mags, row)
    if not 1 <= missing.size <= 2 or extra.size != missing.size:
        return ()
    if np.any(np.abs(extra - missing) > rtol * np.maximum(1.0, missing)):
        return ()
    return tuple(int(np.flatnonzero(flat == m)[0]) for m in missing)


def _surplus(p: np.ndarray, q: np.ndarray) -> np.ndarray:
    """The values of ``p`` not in ``q`` (not empty), as multisets (each value as many times as ``p`` has more of it),
    sorted."""
    values, counts = np.unique(p, return_counts=True)
    q_values, q_counts = np.unique(q, return_counts=True)
    at = np.minimum(np.searchsorted(q_values, values), q_values.size - 1)
    held = np.where(q_values[at] == values, q_counts[at], 0)
    return np.repeat(values, np.maximum(counts - held, 0))


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
