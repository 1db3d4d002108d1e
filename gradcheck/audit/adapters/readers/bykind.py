"""Gradients returned grouped by kind, ``return [dW1, dW2], [db1, db2]``: weights' with weights, biases' with biases.

Flattened, such a return reads ``dW1, dW2, db1, db2``; paired with the parameters by position
(``W1, b1, W2, b2``) it hands ``b1`` the gradient of ``W2``. When the return is two sequences of
arrays, as many as the weights and the biases, each sequence is paired in order with one kind; the
pairing kept is the one under which the most shapes fit.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from gradcheck.audit.adapters.params import Tensor, is_bias_tensor
from gradcheck.audit.adapters.step import Grad


def _groups(value: Any) -> list[list[np.ndarray]] | None:
    """The two sequences of float arrays a return holds (``(W_grads, b_grads)``), or None."""
    if not isinstance(value, (list, tuple)) or len(value) != 2:
        return None
    for group in value:
        arrays = isinstance(group, (list, tuple)) and bool(group)
        if not arrays or not all(isinstance(a, np.ndarray) and a.ndim and a.dtype.kind in "fiu" for a in group):
            return None
    return [list(g) for g in value]


def fitting(grads: list[Grad], params: list[Tensor]) -> int:
    """How many gradients have their parameter's shape."""
    return sum(g.data.shape == params[g.param].shape for g in grads)


def by_kind(value: Any, base: str, params: list[Tensor]) -> list[Grad]:
    """The gradients of a return of two sequences, one per kind, paired in order within each kind ([] when the
    return is not that, or its sequences are not as long as the kinds)."""
    groups = _groups(value)
    if groups is None:
        return []
    weights = [i for i, p in enumerate(params) if not is_bias_tensor(p)]
    biases = [i for i, p in enumerate(params) if is_bias_tensor(p)]
    best: list[Grad] = []
    for kinds in ((weights, biases), (biases, weights)):
        if [len(g) for g in groups] != [len(k) for k in kinds]:
            continue
        grads = [
            Grad(i, f"{base}[{k}][{j}]", "kind", np.asarray(a, dtype=float))
            for k, (group, kind) in enumerate(zip(groups, kinds))
            for j, (i, a) in enumerate(zip(kind, group))
        ]
        if fitting(grads, params) > fitting(best, params):
            best = grads
    return sorted(best, key=lambda g: g.param)
