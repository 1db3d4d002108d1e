"""A momentum coefficient found by the recurrence it drives, set to 0 so the update is plain descent.

``self.vW = self.alpha * self.vW - self.eta * gW; self.W += self.vW``: from a fresh network the velocity is
0 and the first step is ``-eta * gW``, but a step continued from the last one is not, so the update reads as
stateful (momentum or Adam) and the gradient is not read off it. A coefficient is taken for momentum only
where the code's own update multiplies a velocity it assigns again by it (``self.v = self.k * self.v ...``),
whatever its name (``alpha``, ``mu``, ``gamma``): set to 0 on every network made from then on, the update is
plain descent if the state was momentum's; Adam's (``m / sqrt(v)``) has no such recurrence of the step itself
and stays stateful, refused.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from typing import Any

from gradcheck.audit.adapters.sources import source_tree

__all__ = ["coefficients", "made_off"]


def _self_attr(node: ast.AST) -> str | None:
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "self":
        return node.attr
    return None


def coefficients(fn: Callable | None, skip: str | None = None) -> list[str]:
    """The ``self.<k>`` that multiply a velocity the same assignment stores again (``self.v = self.k * self.v - ...``)
    in ``fn``'s source; ``skip``: the learning rate's own attribute."""
    tree = source_tree(fn) if fn is not None else None
    found: list[str] = []
    for node in ast.walk(tree) if tree is not None else ():
        if not isinstance(node, ast.Assign) or len(node.targets) != 1:
            continue
        target = node.targets[0]
        velocity = _self_attr(target.value if isinstance(target, ast.Subscript) else target)
        if velocity is None:
            continue
        for mult in (n for n in ast.walk(node.value) if isinstance(n, ast.BinOp) and isinstance(n.op, ast.Mult)):
            sides = [mult.left, mult.right]
            names = [_self_attr(s.value if isinstance(s, ast.Subscript) else s) for s in sides]
            if velocity in names:
                k = names[1 - names.index(velocity)]
                if k is not None and k not in (velocity, skip) and k not in found and _steps_by(tree, velocity):
                    found.append(k)
    return found


def _steps_by(tree: ast.AST, velocity: str) -> bool:
    """Is another attribute stepped by the velocity itself (``self.W += self.vW``, ``self.W -= lr * self.vW``), not
    by a quotient of it (Adam's and RMSprop's ``m / (np.sqrt(v) + eps)``, whose first step is no gradient)?"""
    for node in ast.walk(tree):
        if isinstance(node, ast.AugAssign):
            target, value = node.target, node.value
        elif isinstance(node, ast.Assign) and len(node.targets) == 1:
            target, value = node.targets[0], node.value
        else:
            continue
        stepped = _self_attr(target.value if isinstance(target, ast.Subscript) else target)
        if stepped is None or stepped == velocity:
            continue
        reads = {_self_attr(n) for n in ast.walk(value)}
        quotient = any(isinstance(n, ast.BinOp) and isinstance(n.op, (ast.Div, ast.Pow)) for n in ast.walk(value))
        if velocity in reads and not quotient and not any(isinstance(n, ast.Call) for n in ast.walk(value)):
            return True
    return False


def made_off(fresh: Callable[[], Any], names: list[str]) -> Callable[[], Any]:
    """``fresh`` whose networks have the coefficients ``names`` at 0 (where they hold a nonzero number)."""

    def fresh_off():
        root = fresh()
        held = vars(root) if hasattr(root, "__dict__") and isinstance(vars(root), dict) else {}
        for name in names:
            value = held.get(name)
            if isinstance(value, (int, float)) and not isinstance(value, bool) and value:
                held[name] = 0.0
        return root

    return fresh_off
