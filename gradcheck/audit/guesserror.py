"""An error of the student's code on data the grader invented: said to be possibly the guess's, not a verdict.

With no data given, the grader makes a batch (rows of inputs, one column of 0/1 targets or one-hot rows) and
tries the layouts it knows. Code that takes its data in another form (a stack of ``(n, d, 1)`` column vectors,
integer labels inside an ``(X, labels)`` tuple, one sample as a 1-D vector behind an ``exit(1)`` guard) raises on
that batch at its own line: the numpy message alone reads as the student's crash. The error then says what the
data was and that the form may be the cause.
"""

from __future__ import annotations

__all__ = ["explain"]

#: Exceptions a wrong data form raises in numpy code (and an ``exit(1)`` guard on the input's length).
_SHAPE_KINDS = ("IndexError:", "ValueError:", "TypeError:", "SystemExit:")


def explain(error: str, invented: bool) -> str:
    """``error``, with the invented data named as a possible cause when the code raised on it (``invented``: no data
    was given and the code is no script running on its own; an error while loading the module is never the
    data's)."""
    if not invented or not error.startswith(_SHAPE_KINDS) or "(in loading" in error:
        return error
    return (
        f"{error}; raised on data the grader invented (rows of inputs and 0/1 or one-hot targets, tried as rows "
        "and as columns, and on one sample): when the code takes its data in another form (a stack of (n, d, 1) "
        "columns, integer labels inside an (X, labels) tuple, one 1-D sample), this is the guess failing, not "
        "a verdict on the code (such code is not audited zero-config)"
    )
