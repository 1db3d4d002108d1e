"""An error of the student's code on data the grader invented: said to be possibly the guess's, not a verdict.

With no data given, the grader makes a batch (rows of inputs, one column of 0/1 targets or one-hot rows) and
tries the layouts it knows. Code that takes its data in another form (a stack of ``(n, d, 1)`` column vectors,
integer labels inside an ``(X, labels)`` tuple, one sample as a 1-D vector behind an ``exit(1)`` guard) raises on
that batch at its own line: the numpy message alone reads as the student's crash. The error then says what the
data was and that the form may be the cause.
"""

from __future__ import annotations

__all__ = ["explain"]

#: What numpy says when code is handed data of another form than it takes: more axes than the batch has (a stack
#: of ``(n, d, 1)`` columns), float targets used as indices (integer labels), and a guard's ``exit()`` on the input's
#: length. A shape mismatch of a product (``matmul: ... mismatch``) is not among them: the layouts the grader tries
#: already tell the code's own mismatch from its guess's (``adapters.layout.furthest``).
_FORM_SIGNS = (
    "too many indices for array",
    "arrays used as indices must be of integer",
    "only integers, slices",
    "SystemExit:",
)


def explain(error: str, invented: bool) -> str:
    """``error``, with the invented data named as a possible cause when the code raised on it (``invented``: no data
    was given and the code is no script running on its own; an error while loading the module is never the
    data's)."""
    if not invented or not any(sign in error for sign in _FORM_SIGNS) or "(in loading" in error:
        return error
    return (
        f"{error}; raised on data the grader invented (rows of inputs and 0/1 or one-hot targets, tried as rows "
        "and as columns, and on one sample): when the code takes its data in another form (a stack of (n, d, 1) "
        "columns, integer labels inside an (X, labels) tuple, one 1-D sample), this is the guess failing, not "
        "a verdict on the code (such code is not audited zero-config)"
    )
