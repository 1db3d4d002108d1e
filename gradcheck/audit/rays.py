"""Evaluations along lines through the weights, at steps of any size (run by the worker, in the sandbox).

A derivative along a direction ``u`` can be had from the loss at a few points ``w + t u`` of one line
through the weights ``w``: one-sided, uneven and large steps ``t`` fitted by a polynomial are as
accurate as a tiny central difference, and no entry moves by a tiny step. A numerical gradient does
that along as many directions as there are weights.

Rule: a copy of a weight tensor (or of the flat vector of every weight) that differs from it is a
point ``w + t u`` (``u`` a unit direction up to sign, of the move's count sketch in :data:`SKETCH` buckets
when it has more entries, to :data:`~gradcheck.audit.stencils.DIRECTION_DIGITS`
decimals, ``t`` signed). A line holds two or more points at different ``t``. From the :data:`LINES`-th
line through the weights in a direction unrelated to every line counted before (``|cos| <``
:data:`UNRELATED`), each point on a counted line is an evaluation, one place per line.
Backpropagation and training make no such lines: an update moves a copy once along ``-lr g``; scaled
copies of the weights (``2 * W``, ``0 * W``, weight decay) lie on one line, the weights' own; a
training walk moves along a direction that turns at every step, its successive lines all related.
"""

from __future__ import annotations

import numpy as np

from gradcheck.audit.stencils import direction_key

__all__ = ["LINES", "Rays"]

#: Unrelated lines through the weights, each with two or more points, from which points on them are evaluations
#: (as many as the directions a numerical gradient in random directions needs before it is named).
LINES = 6
#: Two lines are unrelated when the cosine of their angle is under this in magnitude.
UNRELATED = 0.5
#: Lines remembered per tensor (a long backward stays affordable).
MAX_LINES = 4096
#: Moves of more entries are compared through a count sketch of this many buckets (each entry added, with a random
#: sign, to a random bucket, both drawn afresh for every run): a linear map, so collinear moves stay collinear, and
#: the cosine of two moves spread over many entries is kept to about 1/sqrt(SKETCH) = 0.125; a large tensor seen at
#: every library call costs one pass over its entries, not a hash of all of them. Moves of a few entries may share
#: a bucket and so a line: fewer lines are counted, never more.
SKETCH = 64


class Rays:
    """Per tensor: the points seen on each line through the weights, and the unrelated lines among them."""

    def __init__(self):
        self.points: dict = {}  # tensor -> direction key -> set of signed steps
        self.counted: dict = {}  # tensor -> direction key -> unit direction
        self.sketches: dict = {}  # tensor -> its projection to SKETCH dimensions (None: none needed)
        self.rng = np.random.default_rng()  # drawn afresh for every run: no move can be made to fit it

    def hits(self, t, moves: np.ndarray) -> list[tuple]:
        """``("ray", t, direction)`` for each row of ``moves`` (copies of tensor ``t`` minus the tensor, none zero) that
        is a point on one of the tensor's counted lines, once :data:`LINES` of them are."""
        if t not in self.sketches:
            n = moves.shape[1]
            signs = self.rng.choice([-1.0, 1.0], n)
            self.sketches[t] = (self.rng.integers(0, SKETCH, n), signs) if n > SKETCH else None
        sketch = self.sketches[t]
        found = []
        for move in moves:
            if sketch is not None:
                move = np.bincount(sketch[0], weights=sketch[1] * move, minlength=SKETCH)
            hit = self._hit(t, move)
            if hit is not None:
                found.append(hit)
        return found

    def _hit(self, t, move: np.ndarray) -> tuple | None:
        size = float(np.linalg.norm(move))
        if not np.isfinite(size) or size == 0.0:
            return None
        way = move / size
        first = way[np.flatnonzero(way)[0]]
        way, step = (way, size) if first > 0 else (-way, -size)  # both sides of the point: one line
        key = direction_key(way)
        lines = self.points.setdefault(t, {})
        if key not in lines and len(lines) >= MAX_LINES:
            return None
        steps = lines.setdefault(key, set())
        steps.add(step)
        counted = self.counted.setdefault(t, {})
        if len(steps) >= 2 and key not in counted and all(abs(float(u @ way)) < UNRELATED for u in counted.values()):
            counted[key] = way
        return ("ray", t, key.hex()) if key in counted and len(counted) >= LINES else None
