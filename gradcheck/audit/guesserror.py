"""An error of the student's code on data the grader invented: said to be possibly the guess's, not a verdict.

With no data given, the grader makes a batch (rows of inputs, one column of 0/1 targets or one-hot rows) and
tries the layouts it knows. Code that takes its data in another form (a stack of ``(n, d, 1)`` column vectors,
integer labels inside an ``(X, labels)`` tuple, one sample as a 1-D vector behind an ``exit(1)`` guard) raises on
that batch at its own line: the numpy message alone reads as the student's crash. The error then says what the
data was and that the form may be the cause.
"""

from __future__ import annotations

import re

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


#: numpy's words for a product of two sizes (``matmul``, ``np.dot``), read for two that differ by one.
_PRODUCT_SIZES = (
    re.compile(r"size (\d+) is different from (\d+)"),
    re.compile(r"(\d+) \(dim \d+\) != (\d+) \(dim \d+\)"),
)


def folded_bias_sizes(error: str) -> tuple[int, int] | None:
    """``(d, d + 1)`` of a product of ``d`` values with something taking ``d + 1``, read off numpy's message."""
    for pattern in _PRODUCT_SIZES:
        m = pattern.search(error)
        if m:
            a, b = sorted((int(m.group(1)), int(m.group(2))))
            return (a, b) if b == a + 1 else None
    return None


#: numpy's word for an attribute an array lacks (``batch.images``): the code takes an object of its own there.
_OWN_OBJECT = re.compile(r"AttributeError: 'numpy\.ndarray' object has no attribute '(\w+)'")
#: The errors of code handed an object it did not prepare: a key, an index or an attribute its own training makes.
_UNPREPARED = ("KeyError:", "IndexError:", "AttributeError:")
#: The note the audit writes when it builds the model class from arguments it inferred (adapters.sizes).
_INFERRED = re.compile(r"^(\S+) called with inferred arguments (.+)$")


def on_inferred_object(error: str, notes) -> str:
    """``error``, with the audit's construction named as a possible cause when the code raised a missing key, index
    or attribute on an object the audit built from inferred arguments (``notes``: the audit's notes)."""
    made = next((m for m in map(_INFERRED.match, notes) if m), None)
    if made is None or not error.startswith(_UNPREPARED) or "(in loading" in error or "(in forward" not in error:
        return error
    return (
        f"{error}; raised on an object the audit built itself, {made.group(1)}({made.group(2)[1:-1]}) with arguments "
        "it inferred: code whose own training prepares the object first (fit() adding the input size to the layer "
        "list, making the weights) meets there what it never meets in its own runs, so this may be the guess "
        "failing, not a verdict on the code (such a class is not audited zero-config; [entry] init_args helps only "
        "where the constructor alone prepares the object)"
    )


#: The note the worker writes when a batch one input short of the weights was tried with a column of ones and
#: did not run either (:mod:`gradcheck.audit.adapters.foldedbias`): only then is the folded bias named.
ONES_TRIED = "the batch was tried again with a column of ones in front (the weights take one input more than it has)"


def explain(error: str, invented: bool, notes=()) -> str:
    """``error``, with the invented data named as a possible cause when the code raised on it (``invented``: no data
    was given and the code is no script running on its own; an error while loading the module is never the
    data's; ``notes``: the audit's, which say whether a column of ones was tried)."""
    if "(in loading" in error:
        return error
    own = _OWN_OBJECT.search(error)
    if own is not None:  # the code reads an attribute of its own data class off the array the grader passed
        return (
            f"{error}; the grader passed the data as a numpy array and the code reads .{own.group(1)} off it: it takes "
            "its data as an object of its own (a batch or data-set class), which the grader cannot build, so this is "
            "the call failing, not a verdict on the code (such code is not audited zero-config; a wrapper taking "
            "arrays, or a backward taking X and Y, is)"
        )
    if not invented:
        return error
    folded = folded_bias_sizes(error)
    if folded is not None and any(ONES_TRIED in n for n in notes):
        d, wider = folded
        return (
            f"{error}; raised on data the grader invented, {d} values where the code's weights take {wider}: code "
            "that folds each bias into its weights as an extra row takes samples led by a 1, and the grader's batch "
            "with a column of ones in front did not run either (a forward taking a list of samples, or one sample "
            "in another form): this is the guess failing, not a verdict on the code; give the data the code takes "
            "in [data] file (an .npz holding X, that column included, and Y)"
        )
    if not any(sign in error for sign in _FORM_SIGNS):
        return error
    return (
        f"{error}; raised on data the grader invented (rows of inputs and 0/1 or one-hot targets, tried as rows "
        "and as columns, and on one sample): when the code takes its data in another form (a stack of (n, d, 1) "
        "columns, integer labels inside an (X, labels) tuple, one 1-D sample), this is the guess failing, not "
        "a verdict on the code (such code is not audited zero-config)"
    )
