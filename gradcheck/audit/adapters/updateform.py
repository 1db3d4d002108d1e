"""Which way the code writes its weight updates: ``W -= lr * dW`` (descent) or ``W += lr * delta`` (ascent).

A gradient read off either form is the same number; the form matters to what a
diagnosis tells the student. With ``+=`` the added term must be minus the gradient
(the error ``y - yhat``), so a sign flip there is an error written ``yhat - y``.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable

from gradcheck.audit.adapters.names import canon, leaf


def _target_leaf(node: ast.AST) -> str | None:
    """``W1`` for ``W1``, ``self.W1``, ``params["W1"]``, ``self.weights[i]`` (a subscript's container)."""
    if isinstance(node, ast.Subscript):
        key = node.slice
        if isinstance(key, ast.Constant) and isinstance(key.value, str):
            return key.value
        node = node.value
    if isinstance(node, ast.Attribute):
        return node.attr
    return node.id if isinstance(node, ast.Name) else None


def _signs(tree: ast.AST, wanted: set[str]) -> list[str]:
    """'+' or '-' for each update of a wanted name: ``P += ...``, ``P -= ...``, ``P = P + ...``, ``P = P - ...``."""
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.AugAssign) and isinstance(node.op, (ast.Add, ast.Sub)):
            target, op = node.target, node.op
        elif (
            isinstance(node, ast.Assign)
            and len(node.targets) == 1
            and isinstance(node.value, ast.BinOp)
            and isinstance(node.value.op, (ast.Add, ast.Sub))
            and ast.dump(node.value.left) == ast.dump(node.targets[0])
        ):
            target, op = node.targets[0], node.value.op
        else:
            continue
        name = _target_leaf(target)
        if name is not None and canon(name) in wanted:
            out.append("+" if isinstance(op, ast.Add) else "-")
    return out


def update_form(stmts: Iterable[ast.stmt], param_names: Iterable[str]) -> str | None:
    """``"ascent"`` when every update of a parameter in the source adds, ``"descent"`` when every one
    subtracts, None when there is none or both are written.

    Parameters
    ----------
    stmts
        The submission's parsed top-level statements (functions and classes included).
    param_names
        The parameters' display names (``W1``, ``self.w2``, ``layers[0].W``).
    """
    wanted = {canon(leaf(n)) for n in param_names}
    signs = set(_signs(ast.Module(body=list(stmts), type_ignores=[]), wanted))
    if signs == {"+"}:
        return "ascent"
    if signs == {"-"}:
        return "descent"
    return None


__all__ = ["update_form"]
