"""Directional screening and group testing: per-entry power at directional cost.

A directional check compares the analytic ``g . v`` with a numerical
directional derivative: one complex-step evaluation (or four real ones) for
any number of entries. Two choices give it per-entry power:

* ``v_i = sign(g_i)`` (``+1`` where ``g_i = 0``): the analytic sum
  ``sum |g_i|`` has no cancellation, so it is accurate to a few ulps of
  itself, and a single entry off by ``delta |g_i|`` moves it by exactly that;
* the complex step measures the directional derivative to a few ulps of the
  same sum, with no step-size trade-off.

The screening tolerance is therefore ``DIRECTIONAL_ULPS * eps * sum |g_i|``
(plus the estimator's own error), far tighter than any per-entry tolerance.
A block that fails is split in halves; one half is evaluated and the other
inferred (``D(B) = D(S) - D(A)``), so ``s`` wrong entries among ``P`` cost about
``s log2(P)`` evaluations. Blocks of at most ``LEAF_SIZE`` entries are checked
entry by entry, and only per-entry evidence ever makes an entry ``fail``: a
screen that trips on rounding costs a few evaluations, never a false alarm.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gradcheck import numeric as nm
from gradcheck.compare import SAFETY

#: Screening tolerance in ulps of the sum ``sum |g_i v_i|``: backprop computes each
#: entry with a few dozen roundings and the sum adds log2(P) more; 2**10 leaves a
#: wide margin for correct gradients and still sees one entry off by 1e-6 of itself
#: among a million.
DIRECTIONAL_ULPS = 2.0**10
#: Blocks of at most this many entries are checked entry by entry.
LEAF_SIZE = 8
#: Above this many failing blocks at one level, the errors are dense (a whole
#: tensor wrong): stop bisecting and sample the failing blocks instead.
MAX_BLOCKS = 4


@dataclass(frozen=True)
class Screen:
    """One directional test of a block of entries.

    Attributes
    ----------
    ok : bool
        The analytic and numeric directional derivatives agree.
    analytic, numeric : float
        ``g . v`` and its numerical estimate.
    error : float
        Estimated error of ``numeric``.
    tolerance : float
        What ``|analytic - numeric|`` was allowed.
    """

    ok: bool
    analytic: float
    numeric: float
    error: float
    tolerance: float

    def to_dict(self) -> dict:
        """Plain-JSON form."""
        return {
            "analytic": self.analytic,
            "numeric": self.numeric,
            "error": self.error,
            "tolerance": self.tolerance,
            "ok": self.ok,
        }


def signs(g: np.ndarray) -> np.ndarray:
    """The screening direction: ``sign(g)``, with ``+1`` where ``g`` is zero."""
    return np.where(g < 0, -1.0, 1.0)


class Screener:
    """Directional tests of blocks of one tensor's entries."""

    def __init__(self, oracle: nm.Oracle, complex_safe: bool, name: str, g_flat: np.ndarray):
        self.oracle, self.complex_safe, self.name = oracle, complex_safe, name
        self.g = g_flat
        self.v = signs(g_flat)
        self.eps = float(np.finfo(oracle.dtype).eps)

    def _direction(self, block: np.ndarray) -> np.ndarray:
        d = np.zeros(self.g.size)
        d[block] = self.v[block]
        return d.reshape(self.oracle.work[self.name].shape)

    def _numeric(self, block: np.ndarray, scale: float) -> tuple[float, float]:
        o, d = self.oracle, self._direction(block)
        if self.complex_safe:
            cwork = dict(o.cwork)
            cwork[self.name] = o.cwork[self.name] + 1j * nm.COMPLEX_STEP * d
            value = complex(o.problem.call_loss(cwork)).imag / nm.COMPLEX_STEP
            o.evaluations += 1
            return value, nm.COMPLEX_ULPS * np.finfo(np.float64).eps * scale
        h = o.h0 * max(1.0, float(np.max(np.abs(o.flat[self.name][block]))))
        vals = [o.loss_along({self.name: d}, s * h) for s in (1.0, -1.0, 0.5, -0.5)]
        d1, d2 = (vals[0] - vals[1]) / (2 * h), (vals[2] - vals[3]) / h
        rounding = (o.u * (abs(vals[0]) + abs(vals[1])) + 2 * o.noise) / h
        return (4 * d2 - d1) / 3, abs(d1 - d2) / 3 + 3 * rounding

    def test(self, block: np.ndarray) -> Screen:
        """Evaluate the directional derivative over ``block``."""
        gv = self.g[block] * self.v[block]
        scale = float(np.abs(gv).sum())
        value, err = self._numeric(block, scale)
        return self._judge(float(gv.sum()), value, err, scale)

    def infer(self, whole: Screen, part: Screen, rest: np.ndarray) -> Screen:
        """The complement's screen, ``D(rest) = D(whole) - D(part)``, without an evaluation."""
        gv = self.g[rest] * self.v[rest]
        return self._judge(
            float(gv.sum()), whole.numeric - part.numeric, whole.error + part.error, float(np.abs(gv).sum())
        )

    def _judge(self, analytic: float, numeric: float, err: float, scale: float) -> Screen:
        tol = DIRECTIONAL_ULPS * self.eps * scale + SAFETY * err
        ok = bool(np.isfinite(numeric) and abs(analytic - numeric) <= tol)
        return Screen(ok, analytic, numeric, err, tol)


def localize(screener: Screener, whole: Screen, budget: int) -> list[np.ndarray]:
    """Blocks (flat indices) that hold the wrong entries, by bisection.

    Parameters
    ----------
    screener : Screener
        The tensor's screener.
    whole : Screen
        The failing screen of the whole tensor.
    budget : int
        Evaluations allowed for the search.

    Returns
    -------
    list of ndarray
        Leaves of at most ``LEAF_SIZE`` entries, or, once the errors prove
        dense or the budget runs out, the failing blocks at that level.
    """
    level = [(np.arange(screener.g.size), whole)]
    while True:
        if all(b.size <= LEAF_SIZE for b, _ in level) or len(level) > MAX_BLOCKS or budget <= 0:
            return [b for b, _ in level]
        nxt = []
        for block, screen in level:
            if block.size <= LEAF_SIZE:
                nxt.append((block, screen))
                continue
            a, b = np.array_split(block, 2)
            sa = screener.test(a)
            budget -= 1
            sb = screener.infer(screen, sa, b)
            nxt += [(part, s) for part, s in ((a, sa), (b, sb)) if not s.ok]
        if not nxt:  # the halves agree where the whole did not: rounding; check the block itself
            return [b for b, _ in level]
        level = nxt
