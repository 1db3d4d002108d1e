"""One sample handed over as 1-D vectors, for per-sample code written for them.

Per-sample code often takes ``x`` of shape ``(n_in,)`` and a target of shape
``(n_out,)`` and writes its backward with ``np.outer(a_hid, d_out)`` and ``W @ d``:
a one-row batch ``(1, n_in)`` breaks it (``(3, 1) @ (1, 1)`` broadcasts where a
vector would not). When the code fails on a batch and on a one-row batch, the
sample is tried as vectors; the gradient is the same one sample's.
"""

from __future__ import annotations

from gradcheck.audit.adapters.layout import choose_layout
from gradcheck.audit.loader import AuditError, StudentCodeError

#: The note a sample handed over as vectors leaves.
NOTE = "the code takes one sample as 1-D vectors (x of shape (n_in,)): checked on one sample given so"


def vector_sample(one, lr: float, params: list, failed: BaseException):
    """(runner, first step) with ``one``'s sample as vectors; raises ``failed`` when that fails too."""
    one.vector = True
    try:
        step = choose_layout(one, lr, params, one.notes)
    except (StudentCodeError, AuditError, IndexError, ValueError):  # ours, reading a 1-D output as rows: no fit
        one.vector = False
        raise failed from None
    one.notes.append(NOTE)
    return one, step


__all__ = ["NOTE", "vector_sample"]
