"""What a function returns, read from its source: the names in ``return Z1, A1, Z2, A2``."""

from __future__ import annotations

import ast
import re
from collections.abc import Callable
from typing import Any

import numpy as np

from gradcheck.audit.adapters.labels import softmax_like
from gradcheck.audit.adapters.names import role_of
from gradcheck.audit.adapters.sources import source_tree

#: Scopes of their own: a ``return`` inside one belongs to it, never to the function around it.
_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)


def own_returns(node: ast.AST) -> list[ast.Return]:
    """The ``return`` statements of ``node``'s own body, in source order (nested functions and classes left out)."""
    out: list[ast.Return] = []
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.Return):
            out.append(child)
        elif not isinstance(child, _SCOPES):
            out += own_returns(child)
    return out


def return_values(fn: Callable) -> list[ast.expr]:
    """The expressions ``fn``'s own ``return`` statements give, in source order ([] when its source cannot be read)."""
    tree = source_tree(fn)
    if tree is None:
        return []
    body = next((s for s in tree.body if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef))), None)
    return [r.value for r in own_returns(body) if r.value is not None] if body is not None else []


def returned_names(fn: Callable) -> list[str | None]:
    """Element names of the last ``return a, b, c`` in ``fn`` (None for non-name elements)."""
    rets = return_values(fn)
    if not rets:
        return []
    value = rets[-1]
    elts = value.elts if isinstance(value, ast.Tuple) else [value]
    return [_element_name(e) for e in elts]


#: Methods that return the same values in another shape: ``return loss, db2.squeeze(), dw2.T`` names db2 and dw2.
_RESHAPING = ("squeeze", "flatten", "ravel", "reshape", "copy")


def _element_name(e: ast.expr) -> str | None:
    """The name a returned element stands for: ``dW1``, ``self.dW1`` -> dW1, ``db2.squeeze()`` or ``dw2.T`` -> the
    array's own name; None for anything else."""
    if isinstance(e, ast.Call) and isinstance(e.func, ast.Attribute) and e.func.attr in _RESHAPING:
        e = e.func.value
    elif isinstance(e, ast.Attribute) and e.attr == "T":
        e = e.value
    if isinstance(e, ast.Name):
        return e.id
    return e.attr if isinstance(e, ast.Attribute) else None


def named_values(fn: Callable, value: Any) -> dict[str, Any]:
    """``{"Z1": ..., "A1": ...}`` for a returned tuple whose elements the source names (or one named value)."""
    names = returned_names(fn)
    if not isinstance(value, tuple) and len(names) == 1 and names[0] and role_of(names[0]) is None:
        # ``return acts``: a list of activations a backward takes by that name (never ``return x``, which
        # would hand the output to an argument named for the input)
        return {names[0]: value}
    if not isinstance(value, tuple) or len(names) != len(value):
        return {}
    return {n: v for n, v in zip(names, value) if n}


_ACTIVATION = re.compile(r"^(a|A|h|H|layer|out|o)_?(\d+)$")
#: A layer's pre-activation, ``Z2``: the output itself when no activation of that layer follows (identity output).
_PRE_ACTIVATION = re.compile(r"^(z|Z)_?(\d+)$")


def output_index(names: list[str | None], values: tuple, n: int | None, last: int | None = None) -> int:
    """Which element of a returned tuple is the network's output.

    By name (``y_hat``, ``probs``, ``output``; else the highest-numbered activation
    ``A2`` over ``A1``, unless one array is computed in the return statement itself
    beside them), else the one array computed in the return beside named values
    (``return h, sig(h @ W2 + b2)``), else the one array of class probabilities (rows
    or columns summing to 1: ``return H, P`` of an inline softmax), else ``last``, the
    element the forward assigned last (``return h, y`` with ``y`` made from ``h``,
    see :func:`assigned_last`), else the first array (the common ``(out, cache)`` order).
    """
    for i, name in enumerate(names):
        if name and role_of(name) == "out":
            return i
    numbered = [(int(m.group(2)), i) for i, name in enumerate(names) if name and (m := _ACTIVATION.match(name))]
    if numbered:
        # ``return a1, sigmoid(a1 @ W2 + b2)`` or ``return sigmoid(...), A1``: the one array computed in the
        # return statement itself, beside named intermediate activations, is the output
        computed = [i for i, name in enumerate(names) if name is None and isinstance(values[i], np.ndarray)]
        if len(computed) == 1:
            return computed[0]
        pre = [(int(m.group(2)), i) for i, name in enumerate(names) if name and (m := _PRE_ACTIVATION.match(name))]
        if pre and max(pre)[0] > max(numbered)[0]:  # ``return Z1, A1, Z2``: layer 2 has no activation
            return max(pre)[1]
        return max(numbered)[1]
    computed = [i for i, name in enumerate(names) if name is None and isinstance(values[i], np.ndarray)]
    if (
        len(computed) == 1
        and len(names) == len(values)
        and all(names[i] for i in range(len(names)) if i != computed[0])
    ):
        return computed[0]  # ``return h, sigmoid(h @ W2 + b2)``: the one array made in the return beside named ones
    probs = [
        i
        for i, v in enumerate(values)
        if isinstance(v, np.ndarray) and (softmax_like(v, False) or softmax_like(v, True))
    ]
    if len(probs) == 1:
        return probs[0]
    if last is not None and isinstance(values[last], np.ndarray):
        return last
    return next((i for i, v in enumerate(values) if isinstance(v, np.ndarray)), 0)


def assigned_last(fn: Callable, names: list[str | None]) -> int | None:
    """The index of the returned name ``fn`` assigns last (its output is computed from the others), or None.

    Only when every element is a name assigned in ``fn``'s own body, at distinct lines.
    """
    tree = source_tree(fn)
    body = (
        next((s for s in tree.body if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef))), None) if tree else None
    )
    if body is None or not names or not all(names):
        return None
    line: dict[str, int] = {}
    for node in ast.walk(body):
        targets = (
            node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(node, ast.AugAssign) else []
        )
        for t in targets:
            for e in t.elts if isinstance(t, ast.Tuple) else [t]:
                if isinstance(e, ast.Name) and e.id in names:
                    line[e.id] = max(line.get(e.id, 0), node.lineno)
    if len(line) != len(set(names)) or len(set(line.values())) != len(line):
        return None
    return max(range(len(names)), key=lambda i: line[names[i]])
