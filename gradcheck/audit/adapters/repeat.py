"""Is the forward the same every time? A second forward on a fresh network at the same weights.

A gradient check compares the gradient with how the loss changes when one weight moves:
a forward that draws random numbers (dropout, added noise) changes the loss by more than
any such move, and its output matches no deterministic reference network. Dropout with a
``keep_prob`` or ``dropout`` argument is turned off by the caller (see
:data:`~gradcheck.audit.adapters.names.NO_DROPOUT`); what stays random is said plainly
instead of being judged on a wrong model.
"""

from __future__ import annotations

import numpy as np

from gradcheck.audit.adapters.params import Tensor
from gradcheck.audit.adapters.paths import assign
from gradcheck.audit.adapters.step import Runner, Step1
from gradcheck.audit.loader import AuditError, StudentCodeError

#: Relative difference between two forwards at the same weights above which the forward is random:
#: far above a deterministic forward's differences (none, or a few ulps when a BLAS call splits its
#: sums differently), far below any dropout mask or added noise worth the name.
REPEAT_RTOL = 1e6 * float(np.finfo(np.float64).eps)


def forward_difference(runner: Runner, step: Step1, params: list[Tensor]) -> float | None:
    """The largest difference between ``step``'s forward output and a second forward at its weights,
    when it is more than rounding (the forward is random); None when the two agree or cannot be compared."""
    first = step.out
    if not isinstance(first, np.ndarray) or not first.size:
        return None
    try:
        root = runner.t.fresh()
        for p, w in zip(params, step.before):
            assign(root, p.steps, np.array(w, copy=True))
        _, again, _ = runner.forward_state(step.columns, root=root)
    except (StudentCodeError, AuditError):
        return None
    if not isinstance(again, np.ndarray) or again.shape != first.shape:
        return None
    with np.errstate(all="ignore"):
        diff = float(np.max(np.abs(again - first)))
        scale = float(np.max(np.abs(first)))
    if not np.isfinite(diff) or diff <= REPEAT_RTOL * max(scale, np.finfo(np.float64).tiny):
        return None
    return diff
