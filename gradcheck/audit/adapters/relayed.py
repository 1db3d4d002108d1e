"""A container's backward whose one argument it hands on to its layers' backward: the gradient from above.

``Compose.backward(self, x)``: ``for layer in reversed(self.layers): x = layer.backward(x)``.
Named like the inputs, the argument would be given the batch (and the first layer's
``g @ self.W.T`` would fail on the grader's guess, at the student's line); what the code
does with it says it is the gradient of the loss at the output.
"""

from __future__ import annotations

import ast
import inspect
import re
from collections.abc import Callable

from gradcheck.audit.adapters.names import role_of
from gradcheck.audit.adapters.sources import source_tree

__all__ = ["BACKWARD_NAMES", "relayed_gradient"]

#: A receiver that is a loss object: what it is handed is the target or the output, never the gradient from above.
_LOSSY = re.compile(r"loss|criterion|cost|objective", re.I)
#: Method names of a layer's backward pass.
BACKWARD_NAMES = ("backward", "backprop", "backward_pass", "backpropagate")


def relayed_gradient(fn: Callable) -> str | None:
    """The one required argument of ``fn`` that it passes to another object's backward, or None."""
    try:
        params = [
            p for p in inspect.signature(fn).parameters.values() if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
        ]
    except (TypeError, ValueError):
        return None
    required = [p.name for p in params if p.default is p.empty and p.name != "self"]
    tree = source_tree(fn)
    if len(required) != 1 or tree is None:
        return None
    name = required[0]
    if role_of(name) == "Y":  # a target handed to a loss object's backward (``self.criterion.backward(y)``)
        return None
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in BACKWARD_NAMES
            and not (isinstance(node.func.value, ast.Name) and node.func.value.id == "self")
            and not _LOSSY.search(ast.unparse(node.func.value))  # a loss object's backward starts the pass
            and any(isinstance(a, ast.Name) and a.id == name for a in node.args)
        ):
            return name
    return None


def gradient_named_loss(fn: Callable, names: tuple[str, ...]) -> str | None:
    """An argument named like the loss (``backprop(self, loss)``) that ``fn`` only computes with:
    ``delta = loss * f'(z)``. It is the loss gradient at the output, never a loss object (which is
    called, or has its methods read), so it is given dL/d(output)."""
    tree = source_tree(fn)
    if tree is None:
        return None
    try:
        params = inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return None
    for name in (n for n in names if n in params):
        if _only_computed_with(tree, name):
            return name
    return None


def _only_computed_with(tree: ast.AST, name: str) -> bool:
    """``name`` is an operand of arithmetic somewhere and is never called nor has an attribute read."""
    operand = False
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == name:
            return False
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == name:
            return False
        sides = (node.left, node.right) if isinstance(node, ast.BinOp) else ()
        operand = operand or any(isinstance(s, ast.Name) and s.id == name for s in sides)
    return operand
