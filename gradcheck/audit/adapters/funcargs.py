"""Function-valued arguments (``forward(X, act)``) as the submission's own calls pass them.

A notebook comparing activations writes one class whose methods take the activation
and its derivative as arguments, and calls it once per choice::

    def forward(self, X, act): ...
    def backprop(self, X, y, dact): ...
    nn.train(X_train, y_train, sigmoid, deriv_sigmoid, 0.01, 100)

Nothing in the methods says what ``act`` is. The top-level calls do: an argument
written as the name of one of the module's own functions binds that parameter name to
it (``act = sigmoid``, ``dact = deriv_sigmoid``). The first call that passes a name
decides; the parameter names then reach every method that takes them (``train``
passes ``act`` on to ``forward``). Nothing is run to find them.
"""

from __future__ import annotations

import ast
import inspect
import types
from collections.abc import Callable


def _target(call: ast.Call, ns: dict) -> Callable | None:
    """The module function or the one class method a top-level call names."""
    f = call.func
    if isinstance(f, ast.Name):
        fn = ns.get(f.id)
        return fn if isinstance(fn, types.FunctionType) else None
    if isinstance(f, ast.Attribute):
        owners = [c for c in ns.values() if isinstance(c, type) and isinstance(vars(c).get(f.attr), types.FunctionType)]
        if len({id(c) for c in owners}) == 1:
            return vars(owners[0])[f.attr]
    return None


def _bound(call: ast.Call, fn: Callable, ns: dict) -> dict[str, Callable]:
    """Parameter name -> module function, for the arguments written as a function's name."""
    try:
        names = list(inspect.signature(fn).parameters)
    except (TypeError, ValueError):
        return {}
    if names and names[0] == "self" and isinstance(call.func, ast.Attribute):
        names = names[1:]
    pairs = list(zip(names, call.args)) + [(k.arg, k.value) for k in call.keywords if k.arg]
    out = {}
    for pname, node in pairs:
        value = ns.get(node.id) if isinstance(node, ast.Name) else None
        if isinstance(value, types.FunctionType) and value.__module__ == fn.__module__:
            out[pname] = value
    return out


def function_args(stmts: list[ast.stmt], ns: dict) -> dict[str, Callable]:
    """``{"act": sigmoid, "dact": deriv_sigmoid}``: parameters the code's own top-level calls pass functions to."""
    found: dict[str, Callable] = {}
    for stmt in stmts:
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            continue
        for node in ast.walk(stmt):
            if isinstance(node, ast.Call):
                fn = _target(node, ns)
                for k, v in (_bound(node, fn, ns) if fn is not None else {}).items():
                    found.setdefault(k, v)
    return found


def described(found: dict[str, Callable]) -> str:
    """``act = sigmoid, dact = deriv_sigmoid``."""
    return ", ".join(f"{k} = {v.__name__}" for k, v in found.items())
