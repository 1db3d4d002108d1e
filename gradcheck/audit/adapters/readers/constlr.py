"""A learning rate written as a number in the update: ``self.hidden_weights -= d_hidden * 0.01``.

As it stands the number cannot be varied, so the model's methods holding such
updates are recompiled (in the sandboxed worker) with the number replaced by a
module global the grader sets. The gradient is then read like any other in-place
update, and only when the update is verified linear in that global: a number
that is not the learning rate fails the check and is never divided out.
"""

from __future__ import annotations

import ast
import inspect
import types
from typing import Any

from gradcheck.audit.adapters.objects import methods
from gradcheck.audit.adapters.sources import dedented

#: The module global standing for the number.
KNOB = "__gradcheck_lr__"


def _number(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and type(node.value) in (int, float) and node.value > 0


def _factor(node: ast.AST, named: dict[str, ast.Constant]) -> ast.Constant | None:
    """The number multiplying a product (``0.01 * dW``, ``dW * 0.01``, ``lr * dW`` after ``lr = 0.01``), also
    inside a matrix product, which Python reads ``0.5 * h.T @ d`` as ``(0.5 * h.T) @ d``: linear in it all the same."""
    if not (isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Mult, ast.MatMult))):
        return None
    for side in (node.left, node.right):
        if _number(side):
            return side
        if isinstance(side, ast.Name) and side.id in named:
            return named[side.id]
    return _factor(node.left, named) or _factor(node.right, named)


def _named_numbers(tree: ast.AST) -> dict[str, ast.Constant]:
    """Local names given a number once in the function (``learning_rate = 0.01``)."""
    assigned: dict[str, list] = {}
    for node in ast.walk(tree):
        for t in node.targets if isinstance(node, ast.Assign) else [getattr(node, "target", None)]:
            if isinstance(t, ast.Name) and isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign, ast.For)):
                assigned.setdefault(t.id, []).append(node)
    return {
        name: nodes[0].value
        for name, nodes in assigned.items()
        if len(nodes) == 1 and isinstance(nodes[0], ast.Assign) and _number(nodes[0].value)
    }


def _update_numbers(tree: ast.AST) -> list[ast.Constant]:
    """Numbers scaling a step added to or subtracted from something in place (``W -= c * g``, ``W = W - c * g``)."""
    found = []
    named = _named_numbers(tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.AugAssign) and isinstance(node.op, (ast.Add, ast.Sub)):
            c = _factor(node.value, named)
        elif (
            isinstance(node, ast.Assign)
            and len(node.targets) == 1
            and isinstance(node.value, ast.BinOp)
            and isinstance(node.value.op, (ast.Add, ast.Sub))
            and ast.dump(node.value.left) == ast.dump(node.targets[0]).replace("Store()", "Load()")
        ):
            c = _factor(node.value.right, named)
        else:
            continue
        if c is not None:
            found.append(c)
    return found


def _rewired(fn: types.FunctionType) -> tuple[types.FunctionType, float, int] | None:
    """``fn`` with its update's number turned into the global :data:`KNOB`: (function, number, line)."""
    try:
        lines, start = inspect.getsourcelines(fn)
    except (OSError, TypeError):
        return None
    source = dedented("".join(lines))
    if "super(" in source or fn.__closure__:
        return None
    try:
        tree = ast.parse(source)
    except SyntaxError:  # a multi-line string or a continuation the dedent could not move
        return None
    numbers = _update_numbers(tree)
    numbers = list({id(c): c for c in numbers}.values())  # one assignment may scale several updates
    if not numbers or len({c.value for c in numbers}) != 1:
        return None
    value, line = float(numbers[0].value), numbers[0].lineno + start - 1
    for c in numbers:
        c.__class__, c.id, c.ctx = ast.Name, KNOB, ast.Load()  # the number becomes the knob, in place
        del c.value
    ast.increment_lineno(tree, start - 1)
    code = compile(tree, fn.__code__.co_filename, "exec")
    inner = next(c for c in code.co_consts if isinstance(c, types.CodeType) and c.co_name == fn.__name__)
    return types.FunctionType(inner, fn.__globals__, fn.__name__, fn.__defaults__), value, line


def rewire(obj: Any) -> tuple[dict, float, list[str]] | None:
    """Rewire the methods of ``obj``'s class whose updates scale by one written number.

    Returns (the globals holding :data:`KNOB`, the number, where it was written), or
    None when no method has such an update (or they disagree on the number).
    """
    cls, found = type(obj), []
    for name in sorted(methods(cls)):
        fn = cls.__dict__.get(name)
        if isinstance(fn, types.FunctionType):
            made = _rewired(fn)
            if made is not None:
                found.append((name, *made))
    if not found or len({v for _, _, v, _ in found}) != 1:
        return None
    for name, new, _, _ in found:
        setattr(cls, name, new)
    g = found[0][1].__globals__
    g[KNOB] = found[0][2]
    return g, found[0][2], [f"{cls.__name__}.{name} (line {line})" for name, _, _, line in found]


def rewired_globals(obj: Any) -> dict | None:
    """The globals holding :data:`KNOB` when ``obj``'s class was rewired already, else None."""
    for fn in vars(type(obj)).values():
        if isinstance(fn, types.FunctionType) and KNOB in fn.__code__.co_names:
            return fn.__globals__
    return None
