"""The gradient of an in-place update, read where the weights' rounding falls on the step (float32 weights, and
float64 weights whose gradients are tiny beside them).

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

#: A read whose rounding exceeds this part of a tensor's largest entry is read again (float64 weights; float32
#: weights always are): well below float64's tolerance of a gradient check, far above float64's eps.
COARSE = 1e-10
#: ... or more than :data:`COARSE_ENTRY` of an entry itself, among the entries at least :data:`SMALLEST` of their
#: tensor's largest (a check judges each at its own scale: 2e-10 beside a largest of 1e-3, read to 1e-3 of itself).
COARSE_ENTRY, SMALLEST = 1e-8, 1e-9
#: The largest step of the second read, in units of the largest weight: every entry whose gradient is
#: at least 2**-18 (4e-6) of the largest is then stepped past its weight (float32 holds 3e38).
STEP_OVER_WEIGHT = 2.0**18


def _reads(step: Step1, lr: float) -> list[np.ndarray]:
    return [(np.asarray(b, float) - np.asarray(a, float)) / lr for b, a in zip(step.before, step.after)]


def _rounding(step: Step1, lr: float, dtype=np.float32) -> list[np.ndarray]:
    """Half a ulp (of ``dtype``, the weights' storage) of each stored weight after the step, over the rate: the
    read's own error bound."""
    return [np.spacing(np.abs(np.asarray(a, dtype))).astype(float) / (2 * lr) for a in step.after]


def coarse(step: Step1, lr: float, dtype=np.float64) -> bool:
    """Whether the read's rounding (:func:`_rounding`) is more than :data:`COARSE` of some tensor's largest entry (or
    :data:`COARSE_ENTRY` of an entry judged):
    weights of 1 and gradients of 1e-10 (an unscaled initialisation, per-sample steps) read at a rate of 1e-3
    carry float64's ulp of the weight over the rate, 1e-13, in every entry: 1e-3 of it."""
    for g, r in zip(_reads(step, lr), _rounding(step, lr, dtype)):
        if g.size and float(np.max(r)) > COARSE * float(np.max(np.abs(g))) > 0:
            return True
        judged = np.abs(g) >= SMALLEST * float(np.max(np.abs(g)))  # (entries a check judges at their own scale)
        if g.size and np.any(r[judged] > COARSE_ENTRY * np.abs(g[judged])):
            return True
    return False


def fine_read(
    runner: Any, s1: Step1, knob: Any, first: Step1, lr: float, dtype=np.float32
) -> tuple[Step1, float] | None:
    """``(step, rate)`` read where the weights' rounding (``dtype``: their storage) falls on the step, not the
    weight; None when it cannot be trusted."""
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
    eps = float(np.finfo(dtype).eps)
    rounded = zip(_rounding(first, lr, dtype), _rounding(second, big, dtype), g)
    bounds = [r1 + r2 + 2 * eps * np.abs(x) for r1, r2, x in rounded]
    if all(np.all(np.abs(f - x) <= b) for f, x, b in zip(fine, g, bounds)):
        return second, big
    return None
