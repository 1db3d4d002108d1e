"""The gradient of an in-place update of float32 weights, read where the rounding falls on the step.

``W -= lr * dW`` stores ``fl32(W - lr * dW)``: read back as ``(before - after) / lr``, each entry carries
up to half a float32 ulp of its weight, divided by the rate. At the rates where the step is about a
quarter of the weights (``update._rates_for_float32``) that is float32's eps of the largest gradient,
and an entry whose gradient is small beside its own weight (1e-4 of the largest, weight 3) is off by
several 1e-4 of itself: past float32's tolerance, on a correct backward. The update was verified
linear in the rate, so the same step is read again at a rate where every step outweighs its weight:
the stored value is then the step itself, rounded to float32's eps of the step, and each entry is read
to float32's eps of itself. The second read is kept only where it agrees with the first within the
first one's known rounding (half a ulp of each stored weight, over the rate, plus float32's eps of the
entry for the product ``lr * dW``); otherwise the first read stands.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from gradcheck.audit.adapters.step import Step1
from gradcheck.audit.loader import AuditError, StudentCodeError

EPS32 = float(np.finfo(np.float32).eps)
#: The largest step of the second read, in units of the largest weight: every entry whose gradient is
#: at least 2**-18 (4e-6) of the largest is then stepped past its weight (float32 holds 3e38).
STEP_OVER_WEIGHT = 2.0**18


def _reads(step: Step1, lr: float) -> list[np.ndarray]:
    return [(np.asarray(b, float) - np.asarray(a, float)) / lr for b, a in zip(step.before, step.after)]


def _rounding(step: Step1, lr: float) -> list[np.ndarray]:
    """Half a float32 ulp of each stored weight after the step, over the rate: the read's own error bound."""
    return [np.spacing(np.abs(np.asarray(a, np.float32))).astype(float) / (2 * lr) for a in step.after]


def fine_read(runner: Any, s1: Step1, knob: Any, first: Step1, lr: float) -> tuple[Step1, float] | None:
    """``(step, rate)`` read where float32 rounds the step, not the weight; None when it cannot be trusted."""
    wmax = max((float(np.max(np.abs(w))) for w in first.before if np.size(w)), default=0.0)
    g = _reads(first, lr)
    gmax = max((float(np.max(np.abs(x))) for x in g if x.size), default=0.0)
    if wmax == 0 or gmax == 0:
        return None
    big = lr * 2.0 ** np.ceil(np.log2(STEP_OVER_WEIGHT * wmax / (lr * gmax)))
    if big <= lr:
        return None
    try:
        second = runner.step(big, s1.columns, knob=knob)
    except (StudentCodeError, AuditError):
        return None
    fine = _reads(second, big)
    if not all(np.all(np.isfinite(x)) for x in fine):
        return None
    bounds = [r1 + r2 + 2 * EPS32 * np.abs(x) for r1, r2, x in zip(_rounding(first, lr), _rounding(second, big), g)]
    if all(np.all(np.abs(f - x) <= b) for f, x, b in zip(fine, g, bounds)):
        return second, big
    return None
