"""One sample handed over as 1-D vectors, for per-sample code written for them.

Per-sample code often takes ``x`` of shape ``(n_in,)`` and a target of shape
``(n_out,)`` and writes its backward with ``np.outer(a_hid, d_out)`` and ``W @ d``:
a one-row batch ``(1, n_in)`` breaks it (``(3, 1) @ (1, 1)`` broadcasts where a
vector would not). When the code fails on a batch and on a one-row batch, the
sample is tried as vectors; the gradient is the same one sample's.
"""

from __future__ import annotations

from gradcheck.audit.adapters import batchshaped
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


def fitting_vectors(one, step, lr: float, params: list, mark: int):
    """``step``, or the sample's step as vectors when the one-row step's gradients miss their parameters' shapes and
    the vectors' have them all: a flat target made a column broadcasts (``a2 - y`` of shapes (10,) and (10, 1) is
    (10, 10)), the grader's layout, not the code. ``mark``: where ``one``'s notes of the one-row step begin."""
    if batchshaped.fits(step.ret, params):
        return step
    kept, form = one.notes[mark:], one.form
    del one.notes[mark:]
    one.vector = True
    try:
        flat = choose_layout(one, lr, params, one.notes)
    except (StudentCodeError, AuditError, IndexError, ValueError):
        flat = None
    if flat is not None and batchshaped.fits(flat.ret, params):
        one.notes.append(NOTE)
        return flat
    one.vector, one.form = False, form
    one.notes[mark:] = kept
    return step


__all__ = ["NOTE", "fitting_vectors", "vector_sample"]
