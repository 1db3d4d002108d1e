"""Per-sample code stepped on more samples of the batch than the one it was checked on (worker side).

Code written for one sample at a time (``train(self, x, t)`` with ``np.outer``) is
checked on one sample. A bug that shows only on some samples (a branch on the label,
``if t == 1: delta = 1 - y``) is right on the others, so a single sample can miss it.
Here the same step, at the same starting weights, is run on a few other samples of
the batch, each alone, and its gradient read by the rule that read the first one; the
grader judges each as a check of its own (:mod:`gradcheck.audit.samplecheck`).
Samples whose target differs from every one already taken come first, so both labels
of a binary task are seen whenever the batch has both.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import numpy as np

from gradcheck.audit.adapters.outputs import compared_forward
from gradcheck.audit.auditerrors import clipped
from gradcheck.audit.loader import AuditError, StudentCodeError

#: How many samples besides the first are stepped (each one more check by the grader).
MORE_SAMPLES = 3


def picked(Y: np.ndarray, k: int = MORE_SAMPLES) -> list[int]:
    """Up to ``k`` row indices after the first: those with a target not seen yet first, then the rest in order."""
    seen, out = [np.asarray(Y[0])], []
    for i in range(1, len(Y)):
        if len(out) < k and not any(np.array_equal(Y[i], s) for s in seen):
            out.append(i)
            seen.append(np.asarray(Y[i]))
    out += [i for i in range(1, len(Y)) if i not in out][: k - len(out)]
    return out


def _alone(runner: Any, i: int) -> Any:
    """A copy of ``runner`` holding sample ``i`` of its batch alone (its notes kept apart)."""
    X, Y = runner.whole
    sub = copy.copy(runner)
    sub.X, sub.Y, sub.notes, sub.said = X[i : i + 1], Y[i : i + 1], [], set(runner.said)
    return sub


def _targets(runner: Any) -> np.ndarray:
    """The sample's targets in the form the grader is given them (as the first sample's are)."""
    if runner.form == "int" and np.ndim(runner.Y) == 2:
        return runner.Y
    return runner.Y_used


def other_samples(ctx: dict, step_at: Callable, grads_of: Callable, shape: str, lr: float) -> list[dict]:
    """The step on other samples, one at a time, from the first step's weights; [] for batch code.

    Parameters
    ----------
    ctx : dict
        The probe context: ``runner`` (whose ``whole`` is the batch), ``s1``, ``params``.
    step_at : callable
        (ctx, weights) -> the step at those weights (:func:`gradcheck.audit.probes._step_at`).
    grads_of : callable
        (ctx, step, shape, lr) -> the step's gradients read as the first one's were.
    shape, lr
        The first read's rule and learning rate.
    """
    runner = ctx["runner"]
    whole = getattr(runner, "whole", None)
    if runner.X.shape[0] != 1 or whole is None or len(whole[0]) < 2:
        return []
    start = [np.asarray(v, dtype=float) for v in ctx["s1"].before]
    out = []
    for i in picked(whole[1]):
        sub = {**ctx, "runner": _alone(runner, i)}
        try:
            step = step_at(sub, start)
            grads = grads_of(sub, step, shape, lr)
        except (StudentCodeError, AuditError) as exc:  # said by the grader; the first sample's verdict stands
            out.append({"index": i, "error": f"{type(exc).__name__}: {clipped(str(exc))}"})
            continue
        out.append(
            {
                "index": i,
                "X": np.asarray(sub["runner"].X, dtype=float),
                "Y": np.asarray(_targets(sub["runner"]), dtype=float),
                "grads": [None if g is None else np.asarray(g, dtype=float) for g in grads],
                "forward": compared_forward(step.out),  # never class decisions
            }
        )
    return out
