"""The table of the student's own loss values that the own-loss check reads (:mod:`gradcheck.audit.ownloss`).

A point is kept as a move from the table's base, the weights the gradient was read at:
the entries moved and their values (an entry check moves one), or every entry (a
directional screen). Points are found again by a digest of that move, never by the
bytes of the whole weight vector: a network of 250,000 weights checked with a few
thousand evaluations would otherwise hold gigabytes of keys and points in the grader.
At most :data:`gradcheck.audit.ownlosspoints.MAX_POINTS` missing points are kept per
round, as many as one round asks the worker for.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

import numpy as np

from gradcheck.audit.ownlosspoints import MAX_POINTS


@dataclass(frozen=True)
class Move:
    """A point as a move from a base: ``idx`` the entries moved (None: every entry), ``vals`` their values."""

    idx: np.ndarray | None
    vals: np.ndarray

    def key(self) -> bytes:
        """A digest of the move: the table's key for the point."""
        head = b"all" if self.idx is None else self.idx.astype(np.int64).tobytes()
        return hashlib.blake2b(head + b"|" + self.vals.tobytes(), digest_size=16).digest()

    def dense(self, base: np.ndarray) -> np.ndarray:
        """The point's every entry."""
        if self.idx is None:
            return self.vals.copy()
        out = base.copy()
        out[self.idx] = self.vals
        return out

    def single(self) -> int | None:
        """The one entry moved, or None."""
        return int(self.idx[0]) if self.idx is not None and self.idx.size == 1 else None


def move_of(flat: np.ndarray, base: np.ndarray) -> Move:
    """``flat`` as a move from ``base`` (every entry where most moved)."""
    moved = np.flatnonzero(flat != base)
    if moved.size * 4 > base.size:
        return Move(None, flat.astype(np.float64, copy=True))
    return Move(moved, flat[moved].astype(np.float64))


class Table:
    """Loss values by point; a missing point is recorded (up to a round's worth) and predicted meanwhile."""

    def __init__(self, names: list[str], base: np.ndarray, grad: np.ndarray, value: float):
        self.names, self.base, self.grad, self.value = names, base, grad, value
        self.known: dict[bytes, float] = {}
        self.missing: dict[bytes, Move] = {}
        self.lacking = False  # the check asked for a point the table lacks, this round

    def start_round(self) -> None:
        """Forget what the last round of the check lacked."""
        self.missing.clear()
        self.lacking = False

    def flat(self, params: dict) -> np.ndarray:
        """The weights as one float64 vector, in the table's order."""
        parts = []
        for n in self.names:
            a = np.asarray(params[n])
            if np.iscomplexobj(a):
                raise TypeError("the student's loss is evaluated in the sandbox at real weights only")
            parts.append(a.astype(np.float64).ravel())
        return np.concatenate(parts)

    def loss(self, params: dict) -> float:
        """The student's loss at ``params`` where the table has it, else the claimed gradient's prediction."""
        flat = self.flat(params)
        move = move_of(flat, self.base)
        key = move.key()
        if key in self.known:
            return self.known[key]
        self.lacking = True
        if len(self.missing) < MAX_POINTS:
            self.missing.setdefault(key, move)
        return float(self.value + self.grad @ (flat - self.base))  # what the claimed gradient predicts

    def fill(self, points: list[Move], values: list[Any]) -> None:
        """Record the worker's values at ``points``."""
        for move, v in zip(points, values):
            self.known[move.key()] = float(v) if isinstance(v, (int, float)) else float("nan")


def wire(move: Move) -> Any:
    """The point as the worker reads it, a move from the table's base (sent as the request's ``start`` where the
    worker's run begins elsewhere): the entries moved, or every entry."""
    return move.vals.tolist() if move.idx is None else {"i": move.idx.tolist(), "v": move.vals.tolist()}


def sent(flat: np.ndarray, start: np.ndarray) -> Any:
    """The weights ``flat`` as the worker reads them, moved from ``start``: the entries moved, or every entry."""
    moved = move_of(flat, start)
    if moved.idx is None:
        return moved.vals.tolist()
    return {"i": moved.idx.tolist(), "v": moved.vals.tolist()}


def halvings(points: list[Move], base: np.ndarray, halvings: int) -> list[Move]:
    """Each single-entry move of ``points`` at 1/2, 1/4, ... of its step: what a refinement asks next."""
    out = []
    for move in points:
        i = move.single()
        if i is None:
            continue
        for k in range(1, halvings + 1):
            out.append(Move(np.array([i]), np.array([base[i] + (move.vals[0] - base[i]) / 2.0**k])))
    return out
