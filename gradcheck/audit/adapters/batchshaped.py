"""Gradients that carry the batch: per-sample code that runs on a batch without raising.

``backprop(x, y)`` written for one column ``x`` of shape ``(n_in, 1)`` runs on a batch of
``n`` columns too: its weight gradients ``delta @ a.T`` come out summed over the batch, in
the weights' shapes, but its bias gradients are ``delta`` itself, of shape ``(n_out, n)``
where the bias is ``(n_out, 1)``. Nothing raises, so the code is not taken for per-sample
code, and the bias gradients would be judged against shapes they were never meant to have
(a false ``shape_mismatch``). When some parameter's shape is missing from what the backward
returns on the batch, a returned array carries the batch's size, and on one sample every
parameter's shape is returned, the code is per-sample and is checked on one sample.
"""

from __future__ import annotations

import ast
from collections import Counter
from typing import Any

from gradcheck.audit.adapters.params import Tensor
from gradcheck.audit.adapters.readers.returned import flatten

__all__ = ["NOTE", "carries_batch", "fits", "reads_batch"]

#: The note a switch to one sample leaves.
NOTE = (
    "on a batch the code returns gradients that keep the batch's axis (a bias gradient of shape (out, n)), "
    "on one sample it returns one per parameter in its shape: per-sample code, checked on one sample"
)


def _returned(ret: Any) -> list[tuple[int, ...]]:
    entries: list = []
    flatten(ret, "ret", [], entries)
    return [tuple(a.shape) for _, _, a in entries]


def _missing(ret: Any, params: list[Tensor]) -> Counter:
    """The parameters' shapes (with multiplicity) that no returned array has."""
    return Counter(tuple(p.shape) for p in params) - Counter(_returned(ret))


def carries_batch(ret: Any, params: list[Tensor], n: int) -> bool:
    """A parameter's shape is missing from ``ret`` and a returned array, in no parameter's shape, has an axis of
    the batch's size ``n`` (> 1)."""
    if n <= 1 or not params or not _missing(ret, params):
        return False
    shapes = {tuple(p.shape) for p in params}
    return any(n in s and s not in shapes for s in _returned(ret))


def fits(ret: Any, params: list[Tensor]) -> bool:
    """Every parameter's shape is among the arrays ``ret`` holds."""
    return bool(params) and not _missing(ret, params)


def reads_batch(trees: list[ast.AST]) -> bool:
    """The code reads a batch's size (``X.shape[1]``, ``len(X)`` of an argument) or sums along an axis: written
    for a batch."""
    for tree in trees:
        args = {a.arg for a in ast.walk(tree) if isinstance(a, ast.arg)} - {"self"}
        for node in ast.walk(tree):
            if isinstance(node, ast.keyword) and node.arg == "axis":
                return True
            if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Attribute) and node.value.attr == "shape":
                return True
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "len"
                and any(isinstance(a, ast.Name) and a.id in args for a in node.args)
            ):
                return True
    return False
