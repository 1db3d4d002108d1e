"""The forms a batch's targets take: as given, flat, one-hot, or integer class labels.

A softmax classifier wants one-hot rows or integer labels (``y[np.arange(N), y]``,
``one_hot(Y)``), a binary classifier often ``y.reshape(-1, 1)`` of a flat vector.
The batch's targets are rewritten into the form the student's code accepts; the
grader is told which one was used.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable

import numpy as np

from gradcheck.audit.astnames import called_name

FORMS = ("given", "flat", "onehot", "int")


def class_labels(n: int, k: int) -> np.ndarray:
    """Integer labels covering every class when n >= k (so ``Y.max() + 1`` counts all ``k``), in a seeded order."""
    if k <= 1:
        return np.zeros(n, dtype=int)
    return np.random.default_rng(0).permutation(np.arange(n) % k)


def convert(Y: np.ndarray, form: str) -> np.ndarray:
    """``Y`` (rows, (N, K)) in ``form``; as rows."""
    n, k = Y.shape
    if form == "given":
        return Y
    if form == "flat":
        return Y[:, 0].copy()
    ints = class_labels(n, k) if not is_onehot(Y) else np.argmax(Y, axis=1)
    if form == "int":
        return ints.astype(int)
    return np.eye(k)[ints]


def is_onehot(Y: np.ndarray) -> bool:
    """Every row has exactly one 1 and zeros elsewhere."""
    return Y.ndim == 2 and Y.shape[1] > 1 and bool(np.all((Y == 0) | (Y == 1))) and bool(np.all(Y.sum(axis=1) == 1))


def applicable(Y: np.ndarray, classifier: bool, int_first: bool = False) -> list[str]:
    """Forms to try, best first: a softmax classifier's first (integer labels first for code that
    indexes rows with them, see :func:`indexes_rows_by_label`), one-output nets' flat last."""
    k = Y.shape[1]
    if classifier and k > 1:
        return ["int", "onehot"] if int_first else ["onehot", "int"]
    return ["given", "flat"] if k == 1 else ["given"]


def indexes_rows_by_label(trees: Iterable[ast.AST]) -> bool:
    """Whether the code picks one entry per row by integer label (``probs[range(N), y]``,
    ``dscores[np.arange(m), y] -= 1``): its own training gives integer labels. Code that also
    accepts one-hot rows may reduce them differently (a mean over every entry), so the
    form its own data has is the one its loss is judged in. Setting such entries to 1
    (``one_hot[np.arange(m), y] = 1``) builds one-hot rows: the code then trains on those."""
    for tree in trees:
        building = {id(t) for n in ast.walk(tree) if isinstance(n, ast.Assign) for t in n.targets}
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Tuple)) or id(node) in building:
                continue
            elts = node.slice.elts
            if len(elts) == 2 and called_name(elts[0]) in ("range", "arange") and isinstance(elts[1], ast.Name):
                return True
    return False


def as_columns(Yf: np.ndarray) -> np.ndarray:
    """Samples as columns: (K, N); flat and integer labels stay (N,)."""
    return Yf.T.copy() if Yf.ndim == 2 else Yf.copy()


def softmax_like(out: np.ndarray, columns: bool) -> bool:
    """Rows (or columns) of probabilities summing to 1 over at least two classes."""
    a = np.asarray(out, dtype=float)
    if a.ndim != 2:
        return False
    a = a.T if columns else a
    return a.shape[1] > 1 and bool(np.all(a >= 0)) and bool(np.allclose(a.sum(axis=1), 1.0, atol=1e-6))
