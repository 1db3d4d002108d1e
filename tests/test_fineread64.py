"""An in-place update of float64 weights whose gradients are tiny beside them is read again where the rounding
falls on the step (gradcheck.audit.adapters.readers.fineread): weights of 1 and gradients of 1e-10, stepped at
a rate of 1e-3, read back as (before - after) / lr carry float64's ulp of the weight over the rate, 1e-13 in
every entry, 1e-3 of the entry: a correct backward of unscaled layers was failed for it."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np

from gradcheck.audit.adapters.readers.fineread import coarse, fine_read

RNG = np.random.default_rng(8)
WEIGHTS = [RNG.normal(size=(6, 5)), RNG.normal(size=(6, 1))]
GRADS = [1e-10 * RNG.normal(size=(6, 5)), 1e-4 * RNG.normal(size=(6, 1))]


class _Stepper:
    """A student's ``W -= lr * dW`` at the same weights, at any rate (``clip``: a step capped at that size)."""

    def __init__(self, clip: float | None = None):
        self.clip = clip

    def step(self, lr, columns, knob=None):
        steps = [lr * g if self.clip is None else np.clip(lr * g, -self.clip, self.clip) for g in GRADS]
        return SimpleNamespace(before=[w.copy() for w in WEIGHTS], after=[w - s for w, s in zip(WEIGHTS, steps)])


def _reads(step, lr):
    return [(b - a) / lr for b, a in zip(step.before, step.after)]


def test_a_coarse_read_is_read_again_at_a_rate_where_each_entry_is_exact():
    first = _Stepper().step(1e-3, False)
    worst = max(float(np.max(np.abs(r - g) / np.abs(g))) for r, g in zip(_reads(first, 1e-3), GRADS))
    assert worst > 1e-5  # (the first read: the weight's ulp over the rate, a sizeable part of the tiny entries)
    assert coarse(first, 1e-3)
    got = fine_read(_Stepper(), SimpleNamespace(columns=False), None, first, 1e-3, np.float64)
    assert got is not None and got[1] > 1e-3
    again = max(float(np.max(np.abs(r - g) / np.abs(g))) for r, g in zip(_reads(*got), GRADS))
    assert again < 1e-12


def test_a_read_fine_already_is_left_alone_and_a_step_not_linear_in_the_rate_is_not_read_again():
    wide = _Stepper().step(1.0, False)  # (gradients of 1e-10 at a rate of 1: still coarse; at 1e9 it is not)
    assert coarse(wide, 1.0) and not coarse(_Stepper().step(1e9, False), 1e9)
    first = _Stepper(clip=1e-3).step(1e-3, False)
    assert fine_read(_Stepper(clip=1e-3), SimpleNamespace(columns=False), None, first, 1e-3, np.float64) is None
