"""The code's own glue between its forward and its backward, replayed.

A notebook's training cell often does one step between the two calls::

    hidden, scores = forward(params, X)
    probs = softmax(scores)
    grads = backward(params, X, y, hidden, probs)

The backward's ``probs`` is then neither a value the forward returns nor the
data: it is what the code's own ``softmax`` makes of the forward's ``scores``.
Such assignments (``name = student_function(names...)`` at module level, loops
included) are replayed on the forward's named values, in the order the code
writes them. When one of them turns the forward's output into the name the code
then treats as the output (``probs``), that is the network's output.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from typing import Any

import numpy as np

from gradcheck.audit.adapters.calling import call_student
from gradcheck.audit.adapters.names import role_of


def glue_steps(stmts: list[ast.stmt], funcs: dict[str, Callable]) -> list[tuple[str, str, list[str]]]:
    """``(target, function, argument names)`` of the module-level ``t = f(a, b)`` calls of student functions."""
    steps = []
    stack = list(stmts)
    while stack:
        node = stack.pop(0)
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
            continue
        if (
            isinstance(node, ast.Assign)
            and len(node.targets) == 1
            and isinstance(node.targets[0], ast.Name)
            and isinstance(node.value, ast.Call)
            and isinstance(node.value.func, ast.Name)
            and node.value.func.id in funcs
            and not node.value.keywords
            and node.value.args
            and all(isinstance(a, ast.Name) for a in node.value.args)
        ):
            steps.append((node.targets[0].id, node.value.func.id, [a.id for a in node.value.args]))
        stack[:0] = list(ast.iter_child_nodes(node))
    return steps


def replay(
    stmts: list[ast.stmt], funcs: dict[str, Callable], named: dict[str, Any], wanted: set[str]
) -> dict[str, Any]:
    """Values of the ``wanted`` names the glue computes from ``named`` (the forward's returned values)."""
    have = dict(named)
    made: dict[str, Any] = {}
    for target, fname, args in glue_steps(stmts, funcs):
        if target in have or target not in wanted or not all(a in have for a in args):
            continue
        values = [have[a].copy() if isinstance(have[a], np.ndarray) else have[a] for a in args]
        where = f"{fname} (called between forward and backward)"
        have[target] = made[target] = call_student(where, funcs[fname], *values)
    return made


def output_from_glue(made: dict[str, Any], out: Any) -> tuple[str, Any] | None:
    """``(name, value)`` when a glue value named like an output (``probs``) has the forward output's shape."""
    if not isinstance(out, np.ndarray):
        return None
    for name, value in made.items():
        if role_of(name) == "out" and isinstance(value, np.ndarray) and value.shape == out.shape:
            return name, value
    return None
