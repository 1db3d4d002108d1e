"""A backward given its batch as one ``(inputs, targets)`` pair: ``backprop(self, data)``.

Nielsen-style code loops over mini-batches of ``(x, y)`` pairs and hands each pair
to the backward whole; the backward unpacks it itself (``x = data[0]``,
``target = data[1]``, or ``x, y = data``). Such an argument is neither the
output gradient nor the inputs: it is bound to the pair ``(X, Y)``.
"""

from __future__ import annotations

import ast
import inspect
from collections.abc import Callable

from gradcheck.audit.adapters.names import role_of
from gradcheck.audit.adapters.sources import source_tree


def _indexed(tree: ast.AST, name: str) -> set[int]:
    """The constant indices ``name`` is subscripted with (``name[0]``, ``name[1]``)."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) and node.value.id == name:
            if isinstance(node.slice, ast.Constant) and isinstance(node.slice.value, int):
                found.add(node.slice.value)
    return found


def _unpacked_in_two(tree: ast.AST, name: str) -> bool:
    """``x, y = name``."""
    return any(
        isinstance(node, ast.Assign)
        and isinstance(node.value, ast.Name)
        and node.value.id == name
        and isinstance(node.targets[0], ast.Tuple)
        and len(node.targets[0].elts) == 2
        for node in ast.walk(tree)
    )


def pair_arg(fn: Callable) -> str | None:
    """The argument of ``fn`` its body unpacks as ``(X, Y)`` (``data[0]`` and ``data[1]``, or ``x, y = data``).

    Only when no other argument takes the targets, and the argument is named like the
    inputs (``input_data``) or plays no known role (``batch``, ``pair``).
    """
    try:
        plist = [
            p for p in inspect.signature(fn).parameters.values() if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
        ]
    except (TypeError, ValueError):
        return None
    tree = source_tree(fn)
    if tree is None:
        return None
    if any(role_of(p.name) == "Y" for p in plist):
        return None
    required = [p.name for p in plist if p.default is p.empty and p.name != "self"]
    unpacked = [
        n for n in required if role_of(n) in (None, "X") and (_indexed(tree, n) == {0, 1} or _unpacked_in_two(tree, n))
    ]
    return unpacked[0] if len(unpacked) == 1 else None
