"""An update that multiplies the weights by a constant 1: ``W = (W * momento) + (G * rate)``.

A course's scripts (the ``momento`` of Portuguese tutorials) write the update of every layer as
the old weights times a "momentum" set once to 1, plus the step. At 1 the factor changes nothing,
but the update no longer reads ``W = W + step``, the form the script reader takes gradients from.
Where the factor is a name the module binds only at its top level, to the number 1, the product
is written as the weights alone, which is what the statement computes; any other factor is left
as it is (weight decay, a real momentum: the update is then not linear in the step alone).
"""

from __future__ import annotations

import ast
import copy

__all__ = ["without_unit_factors"]


def _unit_constants(stmts: list[ast.stmt]) -> set[str]:
    """Names the module binds only at its top level, each time to the number 1 (a notebook may repeat the cell)."""
    ones: dict[str, int] = {}
    for s in stmts:
        target = s.targets[0] if isinstance(s, ast.Assign) and len(s.targets) == 1 else None
        if isinstance(target, ast.Name) and isinstance(s.value, ast.Constant) and _is_one(s.value.value):
            ones[target.id] = ones.get(target.id, 0) + 1
    stores: dict[str, int] = {}
    for node in (n for s in stmts for n in ast.walk(s)):
        if isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
            stores[node.id] = stores.get(node.id, 0) + 1
        elif isinstance(node, (ast.Global, ast.Nonlocal)):  # rebound in a function, perhaps
            for name in node.names:
                stores[name] = stores.get(name, 0) + 1 + len(stmts)
    return {n for n, k in ones.items() if stores.get(n) == k}


def _is_one(value: object) -> bool:
    return type(value) in (int, float) and value == 1


def _unit_product(node: ast.AST, weight: str, ones: set[str]) -> bool:
    """``weight * one`` or ``one * weight``, ``one`` a name bound to 1."""
    if not (isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mult)):
        return False
    pair = {x.id if isinstance(x, ast.Name) else None for x in (node.left, node.right)}
    return len(pair) == 2 and weight in pair and bool(pair & ones)


def without_unit_factors(stmts: list[ast.stmt], notes: list[str]) -> list[ast.stmt]:
    """``stmts`` with each ``W = (W * one) +/- step`` written ``W = W +/- step``; a note says which lines."""
    ones = _unit_constants(stmts)
    if not ones:
        return stmts
    out = copy.deepcopy(stmts)
    lines = []
    for node in (n for s in out for n in ast.walk(s)):
        if not (isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)):
            continue
        weight, value = node.targets[0].id, node.value
        if isinstance(value, ast.BinOp) and isinstance(value.op, (ast.Add, ast.Sub)):
            if _unit_product(value.left, weight, ones):
                value.left = ast.copy_location(ast.Name(weight, ast.Load()), value.left)
                lines.append(node.lineno)
    if not lines:
        return stmts
    shown = ", ".join(str(n) for n in lines)
    notes.append(
        f"the weights' factor set once to 1 ({', '.join(sorted(ones))}) was read as no factor in the update(s) at "
        f"line(s) {shown}"
    )
    return out
