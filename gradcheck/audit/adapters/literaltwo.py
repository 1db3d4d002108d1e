"""Whether the code has a factor 2 to apply: ``2 * err``, ``err * 2.0``, ``d / 0.5``, ``two = 2``.

At a batch of four a gradient twice the true one reads two ways (:mod:`gradcheck.diagnose.coincide`):
the MSE factor 2 applied twice, or the gradient of half the sum of squares where the loss is a mean.
Code that multiplies by no 2 anywhere cannot have done the first, so its diagnosis says the second
first. A name or default bound to the constant 2 and multiplied by counts as a 2 (``two * err``):
the readings are only reordered when no 2 can be applied.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable

__all__ = ["writes_two"]


def _two(node: ast.AST | None, value: float = 2.0) -> bool:
    return isinstance(node, ast.Constant) and type(node.value) in (int, float) and node.value == value


def _bound_to_two(tree: ast.AST) -> set[str]:
    """Names bound to the constant 2: ``two = 2``, ``def f(x, factor=2)``."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and _two(node.value):
            names |= {t.id for t in node.targets if isinstance(t, ast.Name)}
        elif isinstance(node, ast.arguments):
            args = (*node.posonlyargs, *node.args)
            pairs = [
                *zip(args[len(args) - len(node.defaults) :], node.defaults),
                *zip(node.kwonlyargs, node.kw_defaults),
            ]
            names |= {a.arg for a, d in pairs if _two(d)}
    return names


def _doubles(node: ast.AST, twos: set[str]) -> bool:
    def two(n: ast.AST | None, value: float = 2.0) -> bool:
        return _two(n, value) or (value == 2.0 and isinstance(n, ast.Name) and n.id in twos)

    if isinstance(node, ast.BinOp):
        if isinstance(node.op, ast.Mult):
            return two(node.left) or two(node.right)
        return isinstance(node.op, ast.Div) and _two(node.right, 0.5)
    if isinstance(node, ast.AugAssign):
        return isinstance(node.op, ast.Mult) and two(node.value)
    if isinstance(node, ast.Call):  # np.multiply(d, 2)
        called = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
        return called == "multiply" and any(two(a) for a in node.args)
    return False


def writes_two(stmts: Iterable[ast.stmt]) -> bool:
    """True when the parsed source ``stmts`` may multiply something by 2 (see the module's note)."""
    tree = ast.Module(body=list(stmts), type_ignores=[])
    twos = _bound_to_two(tree)
    return any(_doubles(node, twos) for node in ast.walk(tree))
