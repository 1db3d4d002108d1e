"""One directional test of a block of entries: the direction, the analytic sum, the numeric estimate, the verdict.

A :class:`Screener` moves the entries of one tensor (or a block of them) along
``w sign(g_i) spread_i`` (:func:`screen_direction`) and compares the analytic
``g . v`` with a numerical directional derivative: the complex step
(:mod:`gradcheck.directional.complexstep`) where the loss is complex-safe,
else a real extrapolated difference (:mod:`gradcheck.along`). See
:mod:`gradcheck.directional` for why this direction gives per-entry power.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from gradcheck import numeric as nm
from gradcheck.along import SCREEN_NODES, real_along, retried_along
from gradcheck.compare import SAFETY
from gradcheck.directional.complexstep import complex_along, inherited_error

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
#: A tensor of ``n`` entries contributes ``n**WEIGHT_POWER`` to the combined
#: screen's ``sum |g_i v_i|`` (see the module docstring): 0 gives every tensor
#: an equal share, 1 every typical entry an equal share.
WEIGHT_POWER = 0.5
#: Entry ``i`` of a tensor's direction has magnitude ``w_T (1 + SPREAD frac(i / phi))``
#: (golden-ratio steps, spread evenly over ``[1, 1 + SPREAD)``), not ``w_T``: with equal
#: magnitudes, a term of random sign per entry (an L1 penalty's ``lam sign(W)``, a
#: dense error) cancels exactly in a small tensor about ``1 / sqrt(n)`` of the time;
#: with these it never does. An entry's share of the screen shrinks by at most
#: ``1 + SPREAD / 2`` (1.25) against equal magnitudes.
SPREAD = 0.5


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
    tensors : tuple of str
        The tensors the direction moves: one, or all of them for the combined screen.
    scale : float
        ``sum |g_i v_i|`` over the block (the analytic sum's own rounding is relative to it).
    noise_gain : float
        How much ``error`` grows per unit of the loss's noise (real screens: the
        extrapolation's rounding is the noise over the steps), so that a screen
        judged with the rounding model can be judged again once the noise is
        measured, without evaluating anything (:meth:`Screener.rejudge`).
    """

    ok: bool
    analytic: float
    numeric: float
    error: float
    tolerance: float
    tensors: tuple[str, ...] = ()
    scale: float = 0.0
    noise_gain: float = 0.0
    #: The truncation part of ``error`` (real screens; the rest is rounding).
    truncation: float = 0.0
    #: The factor the judged tensor's entries of the direction carry beyond ``sign(g_i) spread_i``
    #: (a :class:`gradcheck.directional.MergedScreener` moves each tensor as its own screen would).
    weight: float = 1.0

    @property
    def excess(self) -> float:
        """How far ``|analytic - numeric|`` exceeds the tolerance (<= 0 for a passing screen)."""
        return abs(self.analytic - self.numeric) - self.tolerance

    def to_dict(self) -> dict:
        """Plain-JSON form."""
        out = {
            "analytic": self.analytic,
            "numeric": self.numeric,
            "error": self.error,
            "tolerance": self.tolerance,
            "ok": self.ok,
            "tensors": list(self.tensors),
        }
        return out if self.weight == 1.0 else {**out, "weight": self.weight}


def signs(g: np.ndarray, weight: float = 1.0) -> np.ndarray:
    """``weight * sign(g)``, with ``+weight`` where ``g`` is zero."""
    return (g < 0) * (-2.0 * weight) + weight  # np.where's exact values, at a tenth of its time


_INV_PHI = (5**0.5 - 1) / 2
_spread = np.ones(0)


def spread(n: int) -> np.ndarray:
    """Magnitudes ``1 + SPREAD * frac(i / phi)``, ``i = 0 .. n-1`` (read-only, cached)."""
    global _spread
    if _spread.size < n:
        fresh = 1.0 + SPREAD * ((np.arange(max(n, 2 * _spread.size)) * _INV_PHI) % 1.0)
        fresh.flags.writeable = False
        _spread = fresh
    return _spread[:n]


def screen_direction(g: np.ndarray, weight: float = 1.0) -> np.ndarray:
    """The screening direction of a flat tensor: ``weight * sign(g_i) * spread_i``."""
    v = signs(g, weight)
    v *= spread(g.size)  # (in place: a fresh array of a 200,704-entry tensor is 1.6 MB of new pages)
    return v


_every = np.arange(0)


def every(n: int) -> np.ndarray:
    """``arange(n)``, the block of every entry of an ``n``-entry screen (read-only, cached).

    A screen of every entry reads only the block's size; a fresh ``arange`` of
    335,114 entries costs more (2.7 MB of new pages) than the check's
    arithmetic on it.
    """
    global _every
    if _every.size < n:
        fresh = np.arange(max(n, 2 * _every.size))
        fresh.flags.writeable = False
        _every = fresh
    return _every[:n]


def weights(totals: Mapping[str, tuple[int, float]]) -> dict[str, float]:
    """Per-tensor weights of the combined direction, the largest 1.

    ``totals`` maps each tensor to ``(n_T, sum_T |g_i| spread_i)``; ``w_T =
    n_T**WEIGHT_POWER / sum_T |g_i| spread_i``. A tensor whose gradient is all zero
    (or not finite) gets the largest weight, so that a true gradient there shows
    as strongly as anywhere.
    """
    raw = {}
    for name, (size, total) in totals.items():
        w = size**WEIGHT_POWER / total if total > 0 else float("nan")
        raw[name] = w if np.isfinite(w) and w > 0 else None
    top = max((w for w in raw.values() if w is not None), default=1.0)
    return {name: 1.0 if w is None else w / top for name, w in raw.items()}


class Screener:
    """Directional tests of blocks of one tensor's entries, along :func:`screen_direction`.

    ``shadow``: for a screener on the extended-precision twin of a float64 loss
    with the complex step, the float64 oracle. Each complex screen is then
    evaluated in both (``np.clongdouble`` and ``complex128``), and the error of
    the extended one is their gap shrunk by the square root of the eps ratio:
    the complex step inherits the loss's cancellation (``log(1 - p)`` of a
    saturated output), so its error is measured, not assumed.
    """

    def __init__(
        self,
        oracle: nm.Oracle,
        complex_safe: bool,
        name: str,
        g_flat: np.ndarray,
        weight: float = 1.0,
        shadow: nm.Oracle | None = None,
    ):
        self.oracle, self.complex_safe, self.name, self.shadow = oracle, complex_safe, name, shadow
        self.g = g_flat
        self._weight = weight
        # the analytic sum is float64 (validated gradients are), whatever the oracle computes in
        self.eps = float(np.finfo(np.float64 if oracle.extended else oracle.dtype).eps)
        self.first = None

    @functools.cached_property
    def v(self) -> np.ndarray:
        """The screening direction :func:`screen_direction` (made on first use: a combined screen whose
        probe is refused on its smallest tensor alone never builds the others')."""
        return screen_direction(self.g, self._weight)

    def _direction(self, block: np.ndarray) -> np.ndarray:
        if block.size == self.g.size:  # every entry (a block holds distinct indices)
            return self.v.reshape(self.oracle.work[self.name].shape)
        d = np.zeros(self.g.size)
        d[block] = self.v[block]
        return d.reshape(self.oracle.work[self.name].shape)

    def _numeric(
        self, block: np.ndarray, scale: float, retry: bool = True, fewer: bool = False
    ) -> tuple[float, float, float, float]:
        """``(value, error, noise_gain, truncation)`` of the numeric directional derivative over ``block``."""
        o = self.oracle
        moves = self._moves(block)
        if self.complex_safe:
            value = complex_along(o, moves)
            err = nm.COMPLEX_ULPS * float(np.finfo(o.dtype if o.extended else np.float64).eps) * scale
            if self.shadow is not None:
                err += inherited_error(value, complex_along(self.shadow, moves))
            return value, err, 0.0, 0.0
        along = real_along(o, moves, self._largest(block), retry, self.nodes, fewer)
        self.first = None if retry else along  # for :meth:`retest`
        return along.value, along.error, along.noise_gain, along.truncation

    def _moves(self, block: np.ndarray) -> dict[str, np.ndarray]:
        return {self.name: self._direction(block)}

    def _largest(self, block: np.ndarray) -> float:
        t = self.oracle.flat[self.name]
        return float(np.max(np.abs(t if block.size == t.size else t[block])))

    def sums(self, block: np.ndarray | None = None) -> tuple[float, float]:
        """``g . v`` and ``sum |g_i v_i|`` over ``block`` (default: the whole tensor)."""
        whole = block is None or block.size == self.g.size  # (a block holds distinct indices)
        if whole and self._whole_sums is not None:
            return self._whole_sums
        gv = self.g * self.v if whole else self.g[block] * self.v[block]
        # every g_i v_i = |g_i| |v_i| >= 0 (v_i carries sign(g_i)): the sum of their magnitudes is the same sum
        # (a NaN term makes both NaN), without a second array of the block's size
        total = float(gv.sum())
        out = total, total
        if whole:
            self._whole_sums = out
        return out

    _whole_sums: tuple[float, float] | None = None
    #: Central differences a real screen extrapolates (:func:`gradcheck.along.extrapolated_along`).
    nodes = SCREEN_NODES

    def test(self, block: np.ndarray, retry: bool = True, fewer: bool = False) -> Screen:
        """The directional derivative over ``block``, judged (``retry``, ``fewer``: see ``along.real_along``)."""
        analytic, scale = self.sums(block)
        value, err, gain, trunc = self._numeric(block, scale, retry, fewer)
        return self._judge(analytic, value, err, scale, gain, trunc)

    def retest(self, block: np.ndarray) -> Screen:
        """The last ``test(block, retry=False)`` retried at a smaller step (:func:`gradcheck.along.retried_along`)."""
        along = retried_along(self.oracle, self._moves(block), self.first)
        analytic, scale = self.sums(block)
        return self._judge(analytic, along.value, along.error, scale, along.noise_gain, along.truncation)

    def infer(self, whole: Screen, part: Screen, rest: np.ndarray) -> Screen:
        """The complement's screen, ``D(rest) = D(whole) - D(part)``, without an evaluation."""
        gain = whole.noise_gain + part.noise_gain
        return self.judge_sums(self.sums(rest), whole.numeric - part.numeric, whole.error + part.error, gain)

    def judge_sums(self, sums: tuple[float, float], numeric: float, err: float, gain: float = 0.0) -> Screen:
        """A screen from ``(g . v, sum |g_i v_i|)`` and a numeric value measured or inferred elsewhere."""
        return self._judge(sums[0], numeric, err, sums[1], gain)

    def rejudge(self, screen: Screen, extra_noise: float) -> Screen:
        """``screen`` judged again with the loss's noise ``extra_noise`` above what it was measured with."""
        err = screen.error + screen.noise_gain * max(0.0, extra_noise)
        return self._judge(screen.analytic, screen.numeric, err, screen.scale, screen.noise_gain, screen.truncation)

    def _judge(
        self, analytic: float, numeric: float, err: float, scale: float, gain: float = 0.0, trunc: float = 0.0
    ) -> Screen:
        tol = DIRECTIONAL_ULPS * self.eps * scale + SAFETY * err
        ok = bool(np.isfinite(numeric) and abs(analytic - numeric) <= tol)
        names = tuple(getattr(self, "names", (self.name,)))
        return Screen(ok, analytic, numeric, err, tol, names, scale, gain, trunc)
