"""A ``predict`` that thresholds, read without its threshold: the network's output it decides on.

Many classes expose their forward pass only through ``predict``, which returns
class decisions: ``(sigmoid(h @ W2 + b2) > 0.5).astype(int)``,
``np.argmax(probs, axis=1)``, ``np.round(out)``, ``np.where(out >= 0.5, 1, 0)``.
The gradient check needs the activations themselves, never the decisions. This
module rewrites the method's source so that each such return (or the assignment
to the name it returns) gives the operand of the threshold, compiles it in the
method's own module namespace and binds it to the same object. It runs where
the student's code runs (the sandboxed worker), like every adapter.
"""

from __future__ import annotations

import ast
import types
from collections.abc import Callable
from typing import Any

from gradcheck.audit.adapters.sources import source_tree
from gradcheck.audit.astnames import called_name

#: Calls whose first argument is the network's output and whose result is a decision.
DECIDERS = {"argmax", "round", "rint", "sign", "heaviside"}
#: Methods of an array that turn a comparison into a decision (``(p > 0.5).astype(int)``).
CASTS = {"astype", "round", "argmax"}
#: Methods that only reshape what they are called on: a threshold under them is still the decision.
SHAPERS = {"ravel", "flatten", "squeeze", "reshape", "tolist"}


def _operand(node: ast.expr) -> ast.expr | None:
    """The expression a threshold decides on, or None when ``node`` is not a threshold."""
    if isinstance(node, ast.Compare) and len(node.ops) == 1:
        return node.left
    if isinstance(node, ast.ListComp):  # [1 if p > 0.5 else 0 for p in probs]: the array it walks
        return _walked(node)
    if isinstance(node, ast.Call):
        f = node.func
        name = called_name(node)
        if isinstance(f, ast.Attribute) and name in CASTS and not _is_module(f.value):
            return _operand(f.value) or (f.value if name != "astype" else None)
        if isinstance(f, ast.Attribute) and name in SHAPERS and not _is_module(f.value):
            return _operand(f.value)  # ((p > 0.5).astype(int)).ravel(): the decision, reshaped
        if name in DECIDERS and node.args:
            return _operand(node.args[0]) or node.args[0]
        if name == "where" and len(node.args) == 3:
            return _operand(node.args[0])
        if name in ("int", "float") and node.args:  # int(p > 0.5)
            return _operand(node.args[0])
    return None


def _walked(node: ast.ListComp) -> ast.expr | None:
    """``probs`` of ``[1 if p > 0.5 else 0 for p in probs]`` (or ``[int(p > 0.5) ...]``): one loop over a name,
    each item decided by a threshold on that item alone."""
    if len(node.generators) != 1 or node.generators[0].ifs or not isinstance(node.generators[0].target, ast.Name):
        return None
    item, elt = node.generators[0].target.id, node.elt
    decided = _operand(elt.test) if isinstance(elt, ast.IfExp) else _operand(elt)
    if isinstance(decided, ast.Name) and decided.id == item:
        return node.generators[0].iter
    return None


def _is_module(node: ast.expr) -> bool:
    return isinstance(node, ast.Name) and node.id in ("np", "numpy")


def _rewrite(fn: ast.FunctionDef) -> bool:
    """Replace each thresholded return (or the assignment it returns) by its operand; True if any."""
    changed = False
    assigns = {t.id: a for a in ast.walk(fn) if isinstance(a, ast.Assign) for t in a.targets if isinstance(t, ast.Name)}
    for ret in [n for n in ast.walk(fn) if isinstance(n, ast.Return) and n.value is not None]:
        inner = _operand(ret.value)
        if inner is not None:
            ret.value, changed = inner, True
        elif isinstance(ret.value, ast.Name) and ret.value.id in assigns:
            a = assigns[ret.value.id]
            inner = _operand(a.value)
            if inner is not None:
                a.value, changed = inner, True
    return changed


def unthresholded(func: Any) -> Callable | None:
    """``func`` (a plain function or method) returning what its threshold decides on, or None if it has none."""
    func = getattr(func, "__func__", func)
    if not isinstance(func, types.FunctionType) or func.__closure__:
        return None
    tree = source_tree(func)
    node = tree.body[0] if tree is not None and tree.body else None
    if not isinstance(node, ast.FunctionDef) or not _rewrite(node):
        return None
    node.decorator_list = []
    ast.increment_lineno(tree, func.__code__.co_firstlineno - 1)  # tracebacks name the student's lines
    code = compile(ast.fix_missing_locations(tree), func.__code__.co_filename, "exec")
    scope: dict[str, Any] = {}
    exec(code, func.__globals__, scope)  # the student's own module namespace, in the sandbox
    return scope[node.name]
