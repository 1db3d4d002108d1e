"""Real directional derivatives: the loss along a direction, differenced and extrapolated.

What the real screens of :mod:`gradcheck.directional` evaluate where the loss
is not complex-safe, and what the complex-safety probe compares the complex
step with: central differences along ``moves`` (a step per tensor), their
Richardson extrapolation, and a four-step extrapolation with its error
measured (truncation from the three-step value, rounding from the model and
the loss's measured noise).
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from gradcheck import numeric as nm


def _central_along(o: nm.Oracle, moves: Mapping[str, np.ndarray], h: float) -> tuple[float, float]:
    """Central derivative along ``moves`` at step ``h``, and its rounding bound (2 evaluations; no truncation)."""
    Lp, Lm = o.loss_along(moves, h), o.loss_along(moves, -h)
    return (Lp - Lm) / (2 * h), (o.u * (abs(Lp) + abs(Lm)) + 2 * o.noise) / (2 * h)


def _richardson_along(
    o: nm.Oracle, moves: Mapping[str, np.ndarray], h: float, first: tuple[float, float] | None = None
) -> tuple[float, float]:
    """Richardson directional derivative at steps ``h``, ``h/2`` and its error (4 evaluations).

    ``first``: :func:`_central_along` at ``h``, when already evaluated (2 evaluations then).
    """
    d1, r1 = first if first is not None else _central_along(o, moves, h)
    d2, _ = _central_along(o, moves, h / 2)
    return (4 * d2 - d1) / 3, abs(d1 - d2) / 3 + 6 * r1


def _lagrange_at_zero(nodes: tuple[float, ...]) -> np.ndarray:
    """Weights that extrapolate values at ``x = nodes`` to ``x = 0`` through the polynomial they define."""
    x = np.asarray(nodes, dtype=float)
    return np.array([np.prod([x[m] / (x[m] - x[k]) for m in range(x.size) if m != k]) for k in range(x.size)])


#: A real screen evaluates the loss at ``t + k d v``, ``k = +-1 .. +-4`` (8 evaluations),
#: and extrapolates the central differences at ``d, 2d, 3d, 4d`` to a zero step through
#: the polynomial in ``(k d)**2`` they define: error ``O(d**8)`` from the four of them,
#: ``O(d**6)`` from the first three; their difference is the error estimate of the
#: latter, kept (conservatively) for the former. Steps in ratio 1:2:3:4 amplify the
#: noise of the smallest step less (by ``sum |w_k| / k``, 2.1) than halvings would.
SCREEN_NODES = 4


@functools.cache
def node_weights(nodes: int) -> np.ndarray:
    """Weights extrapolating the central differences at ``d, 2d, .., nodes d`` to a zero step (read-only)."""
    w = _lagrange_at_zero(tuple(float(k * k) for k in range(1, nodes + 1)))
    w.flags.writeable = False
    return w


_W4 = node_weights(SCREEN_NODES)
_W3 = node_weights(SCREEN_NODES - 1)
#: Largest step ``4 d`` of a real screen, in per-entry central-difference steps (times the
#: largest ``|t|`` of the block, and the ninth root of the noise's excess over the rounding
#: model: the optimum of ``A d**8 + sigma / d``). Where truncation still dominates (a
#: direction through hundreds of thousands of entries curves strongly), the screen is
#: measured once more at the step where the measured truncation (falling as ``d**6``)
#: meets the rounding (:data:`SCREEN_RETRY_LIMIT`).
SCREEN_STEP = 4.0
#: The retried step is never below this fraction of the first.
SCREEN_RETRY_LIMIT = 1.0 / 16.0


@dataclass(frozen=True)
class Along:
    """A real directional derivative from :func:`extrapolated_along`.

    ``error = truncation + rounding``; ``rounding`` grows by ``noise_gain`` per unit
    of the loss's noise beyond what it was computed with.
    """

    value: float
    truncation: float
    rounding: float
    noise_gain: float
    #: The step ``d`` it was measured at.
    step: float = 0.0
    #: The central differences extrapolated (at ``d .. nodes d``).
    nodes: int = SCREEN_NODES

    @property
    def error(self) -> float:
        """Truncation plus rounding."""
        return self.truncation + self.rounding


#: The measured noise's share of a real screen's error, per unit of the oracle's ``noise``
#: (twice the measured standard deviation ``sigma`` of one evaluation) and of ``1 / d``: the
#: standard deviation of the extrapolated value for independent errors of ``sigma`` at the
#: eight points, ``sigma sqrt(sum_k w_k**2 / (2 k**2)) / d``, counted twice. Adding every
#: point's ``2 sigma`` linearly instead (``sum_k |w_k| / k``) put the tolerance of a screen
#: at ~14 standard deviations; measured against ``np.longdouble`` re-evaluations on the
#: 335,114-parameter user-form net (``benchmarks/noise_userforms.py``), that let the largest
#: entry off by 1e-5 (13 standard deviations) pass. The rounding model's part stays a bound.
NOISE_SPREAD = float(np.sqrt(np.sum((_W4 / np.arange(1, SCREEN_NODES + 1)) ** 2) / 2.0))


def noise_spread(nodes: int) -> float:
    """:data:`NOISE_SPREAD` of an extrapolation from ``nodes`` central differences (``2 nodes`` points)."""
    return float(np.sqrt(np.sum((node_weights(nodes) / np.arange(1, nodes + 1)) ** 2) / 2.0))


def extrapolated_along(
    o: nm.Oracle, moves: Mapping[str, np.ndarray], d: float, nodes: int = SCREEN_NODES, fewer: bool = False
) -> Along:
    """Directional derivative along ``moves`` from steps ``d .. nodes d`` (``2 nodes`` evaluations).

    See :data:`SCREEN_NODES`: the truncation is the difference from the value
    of one node fewer (an error estimate of that value, kept for this one).
    ``fewer``: the last node is not evaluated (2 evaluations fewer) where the
    value from the others, with its error so estimated, is already within the
    rounding that the last node's own points would add to any value using them:
    its error bar is then no wider than the full extrapolation's could be. The
    blocks a search bisects ask for it (their directions curve less as they
    shrink, and most of their screens stop there); a tensor's own screen does
    not: a tighter bar there can take a screen too coarse to see its tensor
    just below :func:`gradcheck.longer.blind`, which measures such a screen
    again at longer steps where it could see it.
    """
    c, r = [], []
    for k in range(1, nodes + 1):
        Lp, Lm = o.loss_along(moves, k * d), o.loss_along(moves, -k * d)
        c.append((Lp - Lm) / (2 * k * d))
        r.append(o.u * (abs(Lp) + abs(Lm)) / (2 * k * d))
        if fewer and k == nodes - 1 and k >= 3:
            fewer = _extrapolated(o, c, r, d)
            # the last node's rounding alone (its |L| as the node before's): what no value from every node beats
            last = r[-1] * k / nodes
            floor = float(np.dot(np.abs(node_weights(nodes)), [*r, last])) + noise_spread(nodes) / d * o.noise
            if fewer.error <= floor:
                return fewer
    return _extrapolated(o, c, r, d)


def _extrapolated(o: nm.Oracle, c: list[float], r: list[float], d: float) -> Along:
    """The extrapolation of the central differences ``c`` at ``d .. len(c) d`` (``r``: their rounding bounds)."""
    nodes = len(c)
    w = node_weights(nodes)
    value = float(np.dot(w, c))
    trunc = abs(value - float(np.dot(node_weights(nodes - 1), c[:-1])))
    gain = noise_spread(nodes) / d
    rounding = float(np.dot(np.abs(w), r)) + gain * o.noise
    return Along(value, trunc if np.isfinite(trunc) else float("inf"), rounding, gain, nodes=nodes)


def real_along(
    o: nm.Oracle,
    moves: Mapping[str, np.ndarray],
    largest: float,
    retry: bool = True,
    nodes: int = SCREEN_NODES,
    fewer: bool = False,
) -> Along:
    """:func:`extrapolated_along` at the screen's step, retried once where truncation dominates (8 or 16 evals).

    ``retry=False``: the first step only (8 evaluations); :func:`retried_along` can retry it later.
    ``nodes``: central differences extrapolated (``2 nodes`` evaluations a step); the step ``d``
    is the same for any number of them. ``fewer``: see :func:`extrapolated_along`.
    """
    excess = o.measured.excess if o.measured is not None else 1.0
    d = SCREEN_STEP / SCREEN_NODES * min(16.0, excess ** (1.0 / 9.0)) * o.h0 * max(1.0, largest)
    first = dataclasses.replace(extrapolated_along(o, moves, d, nodes, fewer), step=d)
    if not retry or not wants_retry(first.truncation, first.rounding):
        return first
    return retried_along(o, moves, first)


def retried_along(o: nm.Oracle, moves: Mapping[str, np.ndarray], first: Along) -> Along:
    """``first`` measured again at a smaller step, where truncation (~d**6) meets rounding (~1/d) (8 evaluations)."""
    # truncation (~d**6) meets rounding (~1/d) at d (rounding / truncation)**(1/7)
    shrink = max(SCREEN_RETRY_LIMIT, (first.rounding / first.truncation) ** (1.0 / 7.0)) if first.truncation else 1.0
    again = extrapolated_along(o, moves, first.step * shrink, first.nodes)
    second = dataclasses.replace(again, step=first.step * shrink)
    return second if second.error < first.error else first


def wants_retry(truncation: float, rounding: float) -> bool:
    """Does truncation dominate a real screen's error enough for :func:`real_along` to retry at a smaller step?"""
    return bool(truncation > 4.0 * rounding)
