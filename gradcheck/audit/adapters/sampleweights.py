"""A per-sample weight argument: ``compute_grads(X, y, sw)`` with ``np.sum(sw * (out - y) ** 2) / np.sum(sw)``.

Weighted losses take one nonnegative weight per sample. Such an argument plays none of the known roles
(inputs, targets, learning rate), so nothing says what to pass; the code's use of it does. An argument
that is multiplied into a per-sample quantity and, besides, is summed on its own (the weighted mean's
denominator) or is named like a sample weight is one. The audit gives it positive random weights, one
per sample, shaped like the targets with every axis but the samples' of length 1 (``(N, 1)`` beside
targets of shape ``(N, k)``, ``(N,)`` beside ``(N,)``), or 1-D where the code adds the axis itself
(``sw[:, None]``, ``sw.reshape(-1, 1)``). Unit weights would hide a weighted mean divided by N.
"""

from __future__ import annotations

import ast
import inspect
import re
from collections.abc import Callable

import numpy as np

from gradcheck.audit.adapters.names import role_of
from gradcheck.audit.adapters.sources import source_tree

#: Names a sample-weight argument goes by: ``sw``, ``sample_weight(s)``, ``weights_per_sample``, ``w_s``.
_WEIGHT_NAME = re.compile(r"^(sw|ws|w_s|s_w|wts|sample_?weights?|weights?_per_sample|per_sample_weights?)$", re.I)
#: Sample weights are drawn from [LOW, HIGH): positive, and unequal so that their sum is not N.
LOW, HIGH = 0.5, 2.0
SEED = 8


def _names(node: ast.AST) -> set[str]:
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}


def _factors(node: ast.AST) -> list[ast.AST]:
    """The factors of a product chain: ``2 * sw * (out - y)`` -> [2, sw, (out - y)]."""
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mult):
        return _factors(node.left) + _factors(node.right)
    return [node]


def _is_weights(node: ast.AST, name: str) -> bool:
    """``name``, ``name[:, None]`` or ``name.reshape(-1, 1)``."""
    if isinstance(node, ast.Subscript):
        node = node.value
    elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "reshape":
        node = node.func.value
    return isinstance(node, ast.Name) and node.id == name


def _multiplied(tree: ast.AST, name: str) -> bool:
    """``name`` is a factor of a product whose other factors hold a variable (``2 * sw * (out - y)``)."""
    for node in ast.walk(tree):
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mult):
            factors = _factors(node)
            mine = [f for f in factors if _is_weights(f, name)]
            others = set().union(*(_names(f) for f in factors if f not in mine)) - {name}
            if mine and others:
                return True
    return False


def _summed_alone(tree: ast.AST, name: str) -> bool:
    """``np.sum(name)`` or ``name.sum()``."""
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        f = node.func
        if isinstance(f, ast.Attribute) and f.attr == "sum":
            if isinstance(f.value, ast.Name) and f.value.id == name and not node.args:
                return True
            if node.args and isinstance(node.args[0], ast.Name) and node.args[0].id == name:
                return True
    return False


def _adds_axis(tree: ast.AST, name: str) -> bool:
    """The code makes the weights a column itself: ``name[:, None]``, ``name.reshape(-1, 1)``."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) and node.value.id == name:
            if isinstance(node.slice, ast.Tuple) and len(node.slice.elts) == 2:
                return True
        if isinstance(node, ast.Attribute) and node.attr == "reshape":
            if isinstance(node.value, ast.Name) and node.value.id == name:
                return True
    return False


#: weight_args per function code: it is asked before every backward and every forward the loss is read after.
_READ: dict = {}


def weight_args(fn: Callable | None) -> dict[str, bool]:
    """The sample-weight arguments of ``fn``: name -> whether the code makes them a column itself."""
    if fn is None:
        return {}
    code = getattr(getattr(fn, "__func__", fn), "__code__", None)
    if code is None:
        return _weight_args(fn)
    if code not in _READ:
        _READ[code] = _weight_args(fn)
    return dict(_READ[code])


def _weight_args(fn: Callable) -> dict[str, bool]:
    try:
        plist = [p for p in inspect.signature(fn).parameters.values() if p.default is p.empty]
    except (TypeError, ValueError):
        return {}
    tree = source_tree(fn)
    if tree is None:
        return {}
    out = {}
    for p in plist:
        if p.name == "self" or role_of(p.name) is not None or p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD):
            continue
        if _multiplied(tree, p.name) and (_summed_alone(tree, p.name) or _WEIGHT_NAME.match(p.name)):
            out[p.name] = _adds_axis(tree, p.name)
    return out


def sample_weights(Y: np.ndarray, columns: bool, one_d: bool) -> np.ndarray:
    """Positive random weights, one per sample of ``Y`` (samples as columns when ``columns``)."""
    Y = np.asarray(Y)
    n = Y.shape[-1] if columns and Y.ndim == 2 else Y.shape[0]
    w = np.random.default_rng(SEED).uniform(LOW, HIGH, n)
    if one_d or Y.ndim == 1:
        return w
    return w.reshape(1, n) if columns else w.reshape(n, 1)


def note(names: list[str], entry: str) -> str:
    """What was passed for the sample-weight arguments ``names`` of ``entry``."""
    said = ", ".join(repr(n) for n in names)
    return (
        f"{entry}'s argument {said} weighs each sample (it multiplies a per-sample quantity): given positive "
        f"random weights in [{LOW}, {HIGH}), one per sample (set [entry] backward_args to pass another)"
    )
