"""Samples that carry a leading 1: code whose weights hold each bias as an extra row (the "bias trick").

``W1`` of shape ``(n_in + 1, h)``, its row 0 the bias, multiplied by samples that
begin with a 1 (``Xb = np.hstack([np.ones((n, 1)), X])`` in the student's own
``fit``, before the forward is called). The grader's batch has ``n_in`` inputs,
so ``Xb @ W1`` raises on it, at the student's line, with numpy's message that the
two sizes differ by one. The batch is then tried once more with a column of ones
in front: the ones are data like any other input, so the check of the gradient
with respect to the weights (row 0 included) is the same whichever column holds them.
"""

from __future__ import annotations

import numpy as np

from gradcheck.audit.adapters.layout import choose_layout
from gradcheck.audit.adapters.step import Runner, Step1
from gradcheck.audit.guesserror import ONES_TRIED, folded_bias_sizes
from gradcheck.audit.loader import AuditError, StudentCodeError

NOTE = (
    "the code's first weight takes one input more than the data has (a bias folded into the weights as an extra "
    "row, fed a column of ones by the code's own training): each sample given a 1 in front (which end holds it does "
    "not change the check: the ones are data)"
)


def off_by_one(error: BaseException, n_in: int) -> bool:
    """Whether ``error`` is a product of ``n_in`` inputs with something that takes ``n_in + 1``."""
    return folded_bias_sizes(str(getattr(error, "original", None) or error)) == (n_in, n_in + 1)


def with_ones(runner: Runner, error: BaseException, lr: float, params) -> tuple[Runner, Step1] | None:
    """``(runner, step)`` on the batch with a leading column of ones, or None (not that error, or it fails so too)."""
    X = runner.X
    if not isinstance(X, np.ndarray) or X.ndim != 2 or not off_by_one(error, X.shape[1]):
        return None
    ones = Runner(runner.t, runner.params, runner.loaded, runner.spec, _led(X), runner.Y, [])
    ones.whole = tuple(_led(a) if i == 0 else a for i, a in enumerate(getattr(runner, "whole", (X, runner.Y))))
    try:
        step = choose_layout(ones, lr, params, ones.notes)
    except (StudentCodeError, AuditError):
        runner.notes.append(f"{ONES_TRIED}: it did not run either")
        return None
    runner.notes.extend([*ones.notes, NOTE])
    ones.notes = runner.notes
    return ones, step


def _led(X: np.ndarray) -> np.ndarray:
    """``X`` with a column of ones in front."""
    return np.hstack([np.ones((X.shape[0], 1), dtype=X.dtype), X])
