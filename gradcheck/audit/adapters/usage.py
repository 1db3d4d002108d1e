"""Parameters recognised by how the code uses them, not by their names.

``h = np.tanh(X @ V + c)`` and ``out = h @ U + d``: ``V`` and ``U`` are operands of a
matrix product, ``c`` and ``d`` are added to one. Names such as ``c`` or ``d`` say
nothing (the name rules of :mod:`.names` take ``v``/``m`` for optimizer state), so a
module-level array is taken for a weight or a bias when the forward uses it so.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterable

from gradcheck.audit.adapters.sources import source_tree

#: Calls that are a matrix product of their two arguments (``np.dot(X, W)``, ``X.dot(W)``).
_PRODUCT_CALLS = ("dot", "matmul", "inner")


def _name_of(node: ast.AST) -> str | None:
    """``W`` for ``W`` and ``W.T`` (a transposed weight is still the weight)."""
    if isinstance(node, ast.Attribute) and node.attr == "T":
        node = node.value
    return node.id if isinstance(node, ast.Name) else None


def _product_operands(node: ast.AST) -> list[ast.AST]:
    """The operands when ``node`` is a matrix product, else []."""
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.MatMult):
        return [node.left, node.right]
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in _PRODUCT_CALLS:
        base = node.func.value
        module_call = isinstance(base, ast.Name) and base.id in ("np", "numpy")
        return list(node.args[:2]) if module_call else [base, *node.args[:1]]
    return []


def _has_product(node: ast.AST) -> bool:
    return any(_product_operands(n) for n in ast.walk(node))


def _uses(tree: ast.AST) -> list[tuple[tuple[int, int], str, bool]]:
    """((line, column), name, is a bias) of each weight-like and bias-like use in ``tree``."""
    found = []
    for node in ast.walk(tree):
        for op in _product_operands(node):
            name = _name_of(op)
            if name is not None:
                found.append(((op.lineno, op.col_offset), name, False))
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            for side, other in ((node.left, node.right), (node.right, node.left)):
                if isinstance(side, ast.Name) and _has_product(other):
                    found.append(((side.lineno, side.col_offset), side.id, True))
    return sorted(found)


def _local_names(tree: ast.AST) -> set[str]:
    """Arguments and names a function assigns (not declared ``global``): never the module's arrays."""
    local: set[str] = set()
    declared: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.arg):
            local.add(node.arg)
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            local.add(node.id)
        elif isinstance(node, ast.Global):
            declared.update(node.names)
    return local - declared


def used_as_params(funcs: Iterable[Callable], arrays: Iterable[str]) -> list[str]:
    """Of ``arrays`` (module-level names), those ``funcs`` use as weights or biases, in order of first use.

    Parameters
    ----------
    funcs
        The functions whose code is read, the forward first (its order is the layer order).
    arrays
        Names of the module's float arrays.

    Returns
    -------
    list of str
        ``["V", "c", "U", "d"]`` for ``tanh(X @ V + c) @ U + d``; [] when none is used so.
    """
    return list(uses(funcs, arrays))


def uses(funcs: Iterable[Callable], arrays: Iterable[str]) -> dict[str, bool]:
    """``{name: is a bias}`` for the arrays ``funcs`` use as weights or biases, in order of first use (a bias is
    added to a matrix product and never an operand of one)."""
    wanted = set(arrays)
    kinds: dict[str, bool] = {}
    for fn in funcs:
        tree = source_tree(fn)
        if tree is None:
            continue
        local = _local_names(tree)
        for _, name, bias in _uses(tree):
            if name in wanted and name not in local:
                kinds[name] = kinds.get(name, True) and bias
    return kinds


__all__ = ["used_as_params", "uses"]
