"""The forward's returned values placed where the code's own call of the backward places them.

A forward often returns a tuple that the backward takes positionally under other
names::

    def forward(X, W1, b1, W2, b2):
        ...
        return pre, hid, pred

    def backward(inputs, t, h_in, h_out, y_hat, W1, b1, W2, b2, lr=0.05): ...

    cache = forward(X, W1, b1, W2, b2)
    W1, b1, W2, b2 = backward(X, t, *cache, W1, b1, W2, b2)

Neither the names nor the roles say that ``h_out`` is ``hid``; the call does. The
code's own calls of the backward are read (anywhere in the entry file: module level,
a training function, a ``__main__`` block) and each argument that is the forward's
tuple spread out (``*cache`` with ``cache = forward(...)``, or ``*forward(...)``), or
one element of it unpacked (``p, h, o = forward(...)`` then ``backward(X, t, p, h, o)``),
binds the backward's parameter at that position. Only a binding every such call agrees
on is used; a guess from the order of the names alone is never made.
"""

from __future__ import annotations

import ast
import inspect
from collections.abc import Callable
from typing import Any

from gradcheck.audit.adapters.calling import plain_params
from gradcheck.audit.astnames import called_name

#: A backward position given the forward's one returned value (not an element of a tuple).
WHOLE = -1


def _called(node: ast.AST, name: str) -> bool:
    """``name(...)`` or ``obj.name(...)``."""
    return isinstance(node, ast.Call) and called_name(node) == name


def _holders(tree: ast.AST, fwd: str, by_name: bool = False) -> tuple[set[str], dict[str, int]]:
    """Names bound to the whole returned tuple (``cache = forward(...)``) and to one element (``a, b = fwd(...)``);
    ``by_name``: of calls of a plain name only (``fwd(...)``, not ``obj.fwd(...)``)."""
    whole: set[str] = set()
    element: dict[str, int] = {}
    for node in ast.walk(tree):
        if not isinstance(node, ast.Assign) or len(node.targets) != 1 or not _called(node.value, fwd):
            continue
        if by_name and not isinstance(node.value.func, ast.Name):
            continue
        target = node.targets[0]
        if isinstance(target, ast.Name):
            whole.add(target.id)
        elif isinstance(target, (ast.Tuple, ast.List)) and all(isinstance(e, ast.Name) for e in target.elts):
            for i, e in enumerate(target.elts):
                element[e.id] = i
    return whole, element


def _one_call(call: ast.Call, fwd: str, whole: set[str], element: dict[str, int], n_ret: int) -> dict[int, int]:
    """{backward position: forward element} for one call of the backward."""
    placed: dict[int, int] = {}
    pos = 0
    for arg in call.args:
        if isinstance(arg, ast.Starred):
            spread = (isinstance(arg.value, ast.Name) and arg.value.id in whole) or _called(arg.value, fwd)
            if not spread:
                return {}  # a spread of something else: later positions are unknown
            for i in range(n_ret):
                placed[pos + i] = i
            pos += n_ret
            continue
        if isinstance(arg, ast.Name) and arg.id in element:
            placed[pos] = element[arg.id]
        elif isinstance(arg, ast.Name) and arg.id in whole and n_ret == 0:  # P = fwd(X, W); bwd(X, Y, P, W)
            placed[pos] = WHOLE
        pos += 1
    return placed


def positional(tree: ast.AST | None, fwd: Callable, bwd: Callable, ret: Any) -> dict[str, Any]:
    """Values for the backward's parameters that the code's own calls give from the forward's returned tuple.

    Parameters
    ----------
    tree : ast.AST or None
        The entry file's parsed source (its top-level statements).
    fwd, bwd : callable
        The forward and backward as the grader calls them (a bound method's ``self`` is not a parameter).
    ret : tuple
        What the forward returned on this step.

    Returns
    -------
    dict
        ``{backward parameter name: forward element}``, only where every call of the backward agrees.
    """
    fname, bname = getattr(fwd, "__name__", None), getattr(bwd, "__name__", None)
    if tree is None or not fname or not bname:
        return {}
    value, ret = ret, (ret if isinstance(ret, tuple) else ())  # one value returned: the name holding it is passed
    # where the code's calls pass it (P = EvaluateClassifier(X, W, b) then ComputeGradients(X, Y, P, W, lam)), read
    # only for module functions called by name: x = layer.forward(x) ... x = layer.backward(x) relays a gradient
    if not ret and (inspect.ismethod(fwd) or inspect.ismethod(bwd)):
        return {}
    whole, element = _holders(tree, fname, by_name=not ret)
    if not whole and not element and not any(_called(n, fname) for n in ast.walk(tree)):
        return {}
    calls = [n for n in ast.walk(tree) if _called(n, bname) and (ret or isinstance(n.func, ast.Name))]
    seen = [_one_call(c, fname, whole, element, len(ret)) for c in calls]
    seen = [s for s in seen if s]
    if not seen or any(s != seen[0] for s in seen):
        return {}
    names = [p.name for p in plain_params(bwd)]
    if not ret:
        return {names[pos]: value for pos, i in seen[0].items() if i == WHOLE and pos < len(names)}
    return {names[pos]: ret[i] for pos, i in seen[0].items() if pos < len(names) and 0 <= i < len(ret)}


__all__ = ["positional"]
