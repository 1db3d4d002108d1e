"""Arguments that choose rather than carry data: ``_cost(self, method, y, y_hat, deriv)``.

A loss written as one function for several losses and for their derivatives takes a
selector string (``if method == 'MSE': ...``) and a flag (``if deriv: return ...``).
Neither plays a role a name tells (prediction, target), so nothing would bind them. The
code's use does: the selector is given the string it is compared with (the one the file
passes itself, when it passes one), the flag False (the value, not the derivative).
"""

from __future__ import annotations

import ast
import functools
from collections.abc import Callable, Collection

from gradcheck.audit.adapters.calling import plain_params
from gradcheck.audit.adapters.namedchoices import selector
from gradcheck.audit.adapters.names import role_of
from gradcheck.audit.adapters.sources import source_tree


def _truth_tested_only(tree: ast.AST, name: str) -> bool:
    """Whether every read of ``name`` is a truth test: ``if deriv:``, ``if not deriv``, ``x if deriv else y``."""
    tests = [
        n.test.operand if isinstance(n.test, ast.UnaryOp) and isinstance(n.test.op, ast.Not) else n.test
        for n in ast.walk(tree)
        if isinstance(n, (ast.If, ast.IfExp, ast.While))
    ]
    tested = sum(isinstance(t, ast.Name) and t.id == name for t in tests)
    reads = sum(isinstance(n, ast.Name) and n.id == name and isinstance(n.ctx, ast.Load) for n in ast.walk(tree))
    return tested > 0 and tested == reads


def _unknown(fn: Callable, skip: Collection[str] = ()) -> list[str]:
    """``fn``'s required arguments no name gives a role (nor ``skip``)."""
    return [
        p.name
        for p in plain_params(fn)
        if p.default is p.empty and p.name != "self" and role_of(p.name) is None and p.name not in skip
    ]


def selectors(fn: Callable, skip: Collection[str] = ()) -> dict[str, str]:
    """The strings ``fn``'s role-less required arguments (but ``skip``) select by (``if method == 'MSE'``)."""
    return {name: choice for name in _unknown(fn, skip) if (choice := selector(fn, name)) is not None}


def fixed(fn: Callable) -> dict[str, object]:
    """The values of ``fn``'s required arguments that select (a string) or flag (False); {} if none."""
    unknown = _unknown(fn)
    tree = source_tree(fn) if unknown else None  # parsed only when an argument has no role
    if tree is None:
        return {}
    out: dict[str, object] = selectors(fn)
    for name in unknown:
        if name not in out and _truth_tested_only(tree, name):
            out[name] = False
    return out


def with_choices(fn: Callable) -> Callable:
    """``fn`` with its selector and flag arguments given (a ``functools.partial``), else ``fn`` itself."""
    values = fixed(fn)
    return functools.partial(fn, **values) if values else fn
