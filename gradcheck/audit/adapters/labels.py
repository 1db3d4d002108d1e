"""The forms a batch's targets take: as given, flat, one-hot, or integer class labels.

A softmax classifier wants one-hot rows or integer labels (``y[np.arange(N), y]``,
``one_hot(Y)``), a binary classifier often ``y.reshape(-1, 1)`` of a flat vector.
The batch's targets are rewritten into the form the student's code accepts; the
grader is told which one was used.
"""

from __future__ import annotations

import numpy as np

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


def applicable(Y: np.ndarray, classifier: bool) -> list[str]:
    """Forms to try, best first: a softmax classifier's first, one-output nets' flat last."""
    k = Y.shape[1]
    if classifier and k > 1:
        return ["onehot", "int"]
    return ["given", "flat"] if k == 1 else ["given"]


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
