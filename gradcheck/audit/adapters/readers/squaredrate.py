"""An update that applies the learning rate twice: ``dW = lr * X.T @ delta``, then ``W -= lr * dW``.

The step is then ``lr**2`` times the gradient, no plain gradient descent: read as
``(before - after) / lr`` it is ``lr`` times the gradient, different at every rate. It is
told from the other updates that are not linear in the rate (a layer updated before the
gradient passes back through it steps ``lr * (g + lr * c)``; momentum, clipping) by
``(before - after) / lr**2`` reading the same at every rate, to :data:`SQUARED_RTOL`,
and not zero. The gradient is then read as ``(before - after) / lr**2`` and checked like
any other, and the verdict names the rate applied twice (:mod:`gradcheck.audit.ratetwice`), whether
or not the gradient itself is right: the step a training loop takes is ``lr`` times too small.
"""

from __future__ import annotations

import numpy as np

__all__ = ["SQUARED_RTOL", "rates", "read", "squared"]

#: Agreement of ``(before - after) / lr**2`` at the three rates for the step to be quadratic in the rate:
#: a step ``lr * (g + lr * c)`` reads ``g / lr + c``, which halves its first part from one rate to the next.
SQUARED_RTOL = 1e-6
#: The readings' rounding must stay below this fraction of the gradient read for the question to be asked.
RESOLVED = 1e-3


def rates(lr: float) -> list[float]:
    """The rates the step is taken at: the largest the grader uses, and twice and four times it (a step of
    ``lr**2`` at ``lr = 1e-3`` moves a weight of 1 by 1e-6 of its gradient: float64 keeps 10 digits of it)."""
    return [lr, 2 * lr, 4 * lr]


def read(before: list[np.ndarray], after: list[np.ndarray], lr: float) -> list[np.ndarray]:
    """``(before - after) / lr**2`` for every parameter."""
    return [(b - a) / (lr * lr) for b, a in zip(before, after)]


def squared(steps: list, lrs: list[float], tolerance: float) -> bool:
    """Do ``steps`` (taken at ``lrs``: :func:`rates`) move the weights by the rate squared times one gradient?

    ``tolerance``: the rounding of ``(before - after) / lr**2`` (a few ulps of the weights over ``lr**2``)."""
    reads = [read(s.before, s.after, r) for s, r in zip(steps, lrs)]
    top = max((float(np.max(np.abs(x))) for x in reads[0] if x.size), default=0.0)
    if not top > 0 or tolerance > RESOLVED * top:
        return False  # (float32 weights round a step of lr**2 g by more than it: nothing to tell from them)
    for other in reads[1:]:
        off = max((float(np.max(np.abs(x - y))) for x, y in zip(reads[0], other) if x.size), default=0.0)
        if not off <= SQUARED_RTOL * top + tolerance:
            return False
    return True
