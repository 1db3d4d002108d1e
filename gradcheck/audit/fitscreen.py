"""Could a gradient be a candidate network's? A cheap test along a few random directions.

When no forward output identifies the student's network, the grader must find the
candidate (layout, hidden activation, output layer) and loss convention under which the
gradient is right. Judging each in full (every entry, then a diagnosis searching the
catalogue) costs minutes per submission. Along a random direction ``v`` of the
parameters, a right gradient ``g`` satisfies ``g . v = dL/dv``, which one complex-step
evaluation gives to rounding: the checker's own directional derivative
(:func:`gradcheck.directional.complex_along`), on the reference networks' losses, which are
complex-safe. A candidate whose directional derivatives disagree in every direction tried is
not judged; what agrees (or sits on a kink of a ReLU, where a directional derivative
need not match any subgradient) is judged in full. The test never makes a verdict: it
only decides what is worth judging, and in which order.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

import numpy as np

from gradcheck import numeric as nm
from gradcheck.directional import complex_along
from gradcheck.problem import Problem

__all__ = ["AGREE", "DIRECTIONS", "DISAGREE", "KINK", "KINKED", "SCREEN_RTOL", "crosses_kink", "directional_fit"]

#: Random directions tried: each costs one loss evaluation (and each test two more, for the loss at the point).
DIRECTIONS = 4
#: Agreement asked of ``g . v`` and the loss's directional derivative, relative to ``sum |g_i v_i|``
#: (the sum's own scale): loose next to an entrywise pass (float64's rtol is 1.5e-8, float32's
#: 3.5e-4, and the grader's rtol is added), tight next to a wrong network (a wrong hidden activation
#: or output layer changes most entries by tens of percent).
SCREEN_RTOL = 1e-3
#: Reach along a unit direction, relative to the largest parameter, within which a kink leaves a
#: disagreement undecided: twice eps**(1/3), the span of a central difference at its usual step.
STEP = nm.step_base(np.dtype(np.float64))
#: Hidden activations with a kink: a directional derivative across one need not equal ``g . v`` for a
#: right subgradient.
KINKED = frozenset({"relu", "leaky_relu", "elu"})

AGREE, KINK, DISAGREE = "agree", "kink", "disagree"


def crosses_kink(kinks: Callable, params: Mapping[str, np.ndarray], v: Mapping[str, np.ndarray], reach: float) -> bool:
    """Does a pre-activation of a kinked layer (``kinks(params)``) change sign, or sit on zero, within ``reach``
    of ``params`` along ``v``?"""
    ends = [kinks({k: p + t * v[k] for k, p in params.items()}) for t in (-reach, 0.0, reach)]
    for lo, mid, hi in zip(*ends):
        if np.any(mid == 0) or np.any(np.sign(lo) != np.sign(hi)):
            return True
    return False


def _unit_directions(params: Mapping[str, np.ndarray], seed: int):
    rng = np.random.default_rng(seed)
    for _ in range(DIRECTIONS):
        v = {k: rng.standard_normal(np.shape(p)) for k, p in params.items()}
        norm = float(np.sqrt(sum(float(np.sum(x * x)) for x in v.values()))) or 1.0
        yield {k: x / norm for k, x in v.items()}


def directional_fit(
    loss: Callable,
    grads: Mapping[str, np.ndarray],
    params: Mapping[str, np.ndarray],
    *,
    rtol: float,
    factors: Iterable[float] = (1.0,),
    free_scale: bool = False,
    kinks: Callable | None = None,
    seed: int = 0,
) -> tuple[str, float]:
    """Whether ``grads`` could be ``loss``'s gradient at ``params``: ``(verdict, worst disagreement)``.

    Parameters
    ----------
    loss : callable
        ``loss(params) -> float`` in the student's names and shapes; complex-safe (it is evaluated at
        complex parameters, as the checker's complex step does).
    grads, params : mapping of str to ndarray
        The student's gradient and parameters (the same names).
    rtol : float
        The entrywise tolerance the full check will use; the test is looser than it.
    factors : iterable of float
        Constant factors under which the gradient also counts as right (accepted conventions).
    free_scale : bool
        Any positive factor counts (an update whose learning rate is unknown).
    kinks : callable, optional
        ``kinks(params) -> [pre-activations]`` of the candidate's kinked layers: a direction that
        disagrees across a kink (:func:`crosses_kink`) leaves the test undecided.
    seed : int
        Seed of the directions.

    Returns
    -------
    verdict : str
        ``agree``, ``kink`` (disagrees, but on a kink: undecided) or ``disagree``.
    worst : float
        The largest disagreement relative to ``sum |g_i v_i|``, under the best factor.
    """
    params = {k: np.asarray(p, dtype=np.float64) for k, p in params.items()}
    grads = {k: np.asarray(grads[k], dtype=np.float64) for k in params}
    h = STEP * max(1.0, max((float(np.max(np.abs(p))) for p in params.values() if p.size), default=1.0))
    oracle = nm.Oracle(Problem.create(loss, None, params))
    a, b, scale, directions = [], [], [], list(_unit_directions(params, seed))
    for v in directions:
        a.append(sum(float(np.sum(grads[k] * v[k])) for k in params))
        scale.append(sum(float(np.sum(np.abs(grads[k] * v[k]))) for k in params))
        b.append(complex_along(oracle, v))
    a, b, scale = map(np.asarray, (a, b, scale))
    options = list(factors)
    if free_scale and np.dot(b, b) > 0:
        fitted = float(np.dot(a, b) / np.dot(b, b))
        if fitted > 0:
            options.append(fitted)
    tol = max(SCREEN_RTOL, 10 * rtol)
    worst = min(_disagreement(a, c * b, scale, tol) for c in options)
    if worst <= 1.0:
        return AGREE, worst * tol
    kinked = kinks is not None and any(crosses_kink(kinks, params, v, 2 * h) for v in directions)
    return (KINK if kinked else DISAGREE), worst * tol


def _disagreement(a, b, scale, tol) -> float:
    """The worst direction's gap in units of what agreement allows (<= 1: agrees).

    The complex step's own error, a few ulps of ``|b|``, is far inside ``tol * |b|`` (tol >= 1e-3).
    """
    allowed = tol * (scale + np.abs(b)) + np.finfo(np.float64).tiny
    return float(np.max(np.abs(a - b) / allowed))
