"""Top-level experiment loops, read as their first experiment.

A script that compares settings assembles and trains its network inside a loop over them::

    for width in (3, 6):                      # the experiments
        net = Stack()
        net.add(Dense(2, width)); net.add(Sigmoid()); net.add(Dense(width, 1))
        train(net, X, Y, epochs=300)          # the training

The network of one experiment is the network to audit. Such a loop (a ``for`` over a
literal list or tuple, or a ``range`` of constants, whose body makes an object of a
class and then trains: a loop of its own, or a call that trains) is read as its first
experiment: ``width = 3`` followed by its body, so the script reader finds the set-up
and stops where the training starts, as it does in a script without the outer loop.
"""

from __future__ import annotations

import ast
import copy
from collections.abc import Callable


def _first(it: ast.expr) -> ast.expr | None:
    """The first value a literal list/tuple or a ``range`` of constants gives, as an expression."""
    if isinstance(it, (ast.List, ast.Tuple)) and it.elts and not isinstance(it.elts[0], ast.Starred):
        return it.elts[0]
    if isinstance(it, ast.Call) and isinstance(it.func, ast.Name) and it.func.id == "range" and it.args:
        if not all(isinstance(a, ast.Constant) and isinstance(a.value, int) for a in it.args):
            return None
        start = it.args[0].value if len(it.args) > 1 else 0
        stop = it.args[1].value if len(it.args) > 1 else it.args[0].value
        return ast.Constant(start) if stop > start else None
    return None


def is_experiment_loop(stmt: ast.stmt, trains: Callable[[ast.stmt], bool]) -> bool:
    """A top-level ``for`` over settings whose body makes an object of a class, then trains: a loop of its
    own, or a statement ``trains`` says trains (``train(net, X, Y, epochs=200)``)."""
    if not isinstance(stmt, ast.For) or stmt.orelse or _first(stmt.iter) is None:
        return False
    training = [i for i, s in enumerate(stmt.body) if isinstance(s, (ast.For, ast.While)) or trains(s)]
    return bool(training) and any(_constructs(s) for s in stmt.body[: training[0]])


def _constructs(stmt: ast.stmt) -> bool:
    """``net = Stack()``, ``layers = [Dense(2, h), Tanh()]``: an object of a class (a capitalised name) is made."""
    return isinstance(stmt, ast.Assign) and any(
        isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id[:1].isupper()
        for n in ast.walk(stmt.value)
    )


def first_experiment(stmt: ast.For) -> list[ast.stmt]:
    """``target = first value`` followed by the loop's body (line numbers kept)."""
    bind = ast.Assign(targets=[copy.deepcopy(stmt.target)], value=copy.deepcopy(_first(stmt.iter)))
    ast.copy_location(bind, stmt)
    ast.fix_missing_locations(bind)
    return [bind, *stmt.body]


__all__ = ["first_experiment", "is_experiment_loop"]
