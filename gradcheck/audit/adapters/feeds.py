"""A backward and a forward found by what they return, when no function is named like one.

``grads(X, Y, H, O) -> (gA, ga, gB, gk)``: a function returning only gradient-named
values is the backward. ``net(X) -> (H, O)``: the function returning, by name, values
the backward takes is the forward, whatever it is called (``net``, ``run``, ``model``).
"""

from __future__ import annotations

import ast
from collections.abc import Callable

from gradcheck.audit.adapters.calling import plain_params
from gradcheck.audit.adapters.names import is_param_name, role_of, strip_grad
from gradcheck.audit.adapters.returns import returned_names


def feeding_forward(funcs: dict[str, Callable], bname: str) -> str | None:
    """The one function (not ``bname``) that returns, by name, values the backward takes as arguments of no
    input or target role (``H``, ``A1``, ``cache``) and takes the input itself; None when none or several do."""
    # never the weights: train(X, Y, opts) returning w1, b1, ... is no forward of backward(X, Y, w1, ...)
    wanted = {p.name for p in plain_params(funcs[bname]) if role_of(p.name) not in ("X", "Y", "lr")}
    wanted = {n for n in wanted if not is_param_name(n)}
    found = []
    for name, fn in funcs.items():
        if name == bname:
            continue
        given = {n for n in returned_names(fn) if n}
        takes_input = any(role_of(p.name) == "X" for p in plain_params(fn))
        if takes_input and wanted & given:
            found.append(name)
    return found[0] if len(found) == 1 else None


def output_from_call(funcs: dict[str, Callable], bname: str, trees: list[ast.AST]) -> str | None:
    """The one function whose value the code's own calls of the backward pass as its output argument
    (``P = EvaluateClassifier(X, W, b)`` then ``ComputeGradients(X, Y, P, W, lam)``): the forward, whatever it is
    called; None when the calls name none or several."""
    params = [p.name for p in plain_params(funcs[bname])]
    outs = {n for n in params if role_of(n) in (None, "out") and not is_param_name(n)}  # P, probs: no weight
    found: set[str] = set()
    for scope in (s for tree in trees if tree is not None for s in _scopes(tree)) if outs else ():
        made = _made_by_calls(scope, set(funcs) - {bname})
        for call in (n for n in ast.walk(scope) if isinstance(n, ast.Call) and _called(n) == bname):
            passed = [(params[i], a) for i, a in enumerate(call.args) if i < len(params)]
            passed += [(k.arg, k.value) for k in call.keywords]
            found |= {made[a.id] for name, a in passed if name in outs and isinstance(a, ast.Name) and a.id in made}
    return found.pop() if len(found) == 1 else None


def _scopes(tree: ast.AST) -> list[ast.AST]:
    return [tree, *(n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)))]


def _called(call: ast.Call) -> str | None:
    return call.func.id if isinstance(call.func, ast.Name) else None


def _made_by_calls(scope: ast.AST, funcs: set[str]) -> dict[str, str]:
    """``{variable: function}`` for ``v = f(...)`` and ``v, cache = f(...)`` in ``scope``, ``f`` one of ``funcs``."""
    made = {}
    for node in ast.walk(scope):
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call) and _called(node.value) in funcs:
            for target in node.targets:
                for n in target.elts if isinstance(target, ast.Tuple) else [target]:
                    if isinstance(n, ast.Name):
                        made[n.id] = _called(node.value)
    return made


def gradient_function(funcs: dict[str, Callable]) -> str | None:
    """The one function taking data (an input or target argument) that returns two or more values, every one
    named like a gradient (``return gA, ga, gB, gk``, ``return dW1, db1``), after the loss where it comes first
    (``return loss, db2, dw2, db1, dw1``); None when none or several do."""
    found = []
    for name, fn in funcs.items():
        names = returned_names(fn)
        if names and (names[0] or "").lower() in _LOSS_WORDS:
            names = names[1:]
        grads = len(names) >= 2 and all(n and strip_grad(n) not in (None, n.lower()) for n in names)
        if grads and any(role_of(p.name) in ("X", "Y") for p in plain_params(fn)):
            found.append(name)
    return found[0] if len(found) == 1 else None


#: ``return loss, grads``: the CS231n loss function's two names (a value, then the gradients dict).
_LOSS_WORDS = ("loss", "cost", "j", "data_loss", "total_loss")
_GRADS_WORDS = ("grads", "grad", "gradients", "grads_dict", "dparams", "gradient")


def loss_grads_function(funcs: dict[str, Callable]) -> str | None:
    """The one function taking data that returns ``(loss, grads)`` by those names
    (``compute_neural_net_loss(params, X, y, reg)``, whatever it is called); None when none or several do."""
    found = []
    for name, fn in funcs.items():
        names = [(n or "").lower() for n in returned_names(fn)]
        if len(names) == 2 and names[0] in _LOSS_WORDS and names[1] in _GRADS_WORDS:
            if any(role_of(p.name) in ("X", "Y") for p in plain_params(fn)):
                found.append(name)
    return found[0] if len(found) == 1 else None


__all__ = ["feeding_forward", "gradient_function", "loss_grads_function"]
