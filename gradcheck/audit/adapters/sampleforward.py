"""The forward of per-sample code on several samples, one at a time, so its network can be identified.

Code written for one sample (``train(self, x, t)`` with ``np.outer``) is checked on one
sample: its gradient is that sample's. One sample's output, with a single output unit,
is a single number, which many networks reproduce (a sigmoid, a leaky ReLU of any slope...):
the activations read off it would be a guess. The forward alone is run on each of a few
samples of the batch, at the same weights, and the outputs stacked as a batch: the
network is identified on all of them, the gradient still checked on the one sample.
"""

from __future__ import annotations

import copy
from typing import Any

import numpy as np

from gradcheck.audit.adapters.outputs import thresholded
from gradcheck.audit.adapters.paths import assign
from gradcheck.audit.adapters.step import first_array
from gradcheck.audit.loader import AuditError, StudentCodeError

#: Samples whose outputs identify the network: more than the few activations and slopes to tell apart.
SAMPLES = 8


def sample_forwards(runner, s1, whole: tuple[np.ndarray, np.ndarray] | None) -> dict | None:
    """``{"X": rows, "out": outputs}`` of the forward run sample by sample (None: one sample only, or it failed)."""
    if whole is None or whole[0] is None or runner.t.get_forward(s1.root) is None:
        return None
    X, Y = whole
    k = min(SAMPLES, X.shape[0])
    if k < 2:
        return None
    rows = []
    try:
        for i in range(k):
            one = copy.copy(runner)
            one.X, one.Y, one.notes, one.said = X[i : i + 1], Y[i : i + 1], [], set(runner.said)
            row = first_array(_forward(one, s1))
            if thresholded(row):  # class decisions identify no network
                return None
            rows.append(np.asarray(row, dtype=float).ravel())
    except (StudentCodeError, AuditError, ValueError, TypeError, IndexError, KeyError, AttributeError):
        return None  # the one sample's forward stands alone
    if len({r.shape for r in rows}) != 1:
        return None
    out = np.stack(rows)
    return {"X": X[:k], "out": out.T if s1.columns else out}


def _forward(one, s1) -> Any:
    t = one.t
    if t.orient is not None:
        t.orient(s1.columns)
    root = t.fresh()
    for p, v in zip(one.params, s1.before):
        assign(root, p.steps, np.array(v, copy=True))
    return one.forward_state(s1.columns, root)[1]


__all__ = ["sample_forwards"]
