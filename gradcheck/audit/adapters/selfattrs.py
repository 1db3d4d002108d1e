"""A method's dealings with its own object, read off its source: the calls it makes on ``self`` and the
attributes of ``self`` it writes and reads."""

from __future__ import annotations

import ast
from typing import Any

from gradcheck.audit.adapters.sources import source_tree


def self_call(node: ast.AST) -> list[str] | None:
    """``self.a.b(...)`` as ["a", "b"] (``self.b(...)`` as ["b"]), else None."""
    if not isinstance(node, ast.Call):
        return None
    path, f = [], node.func
    while isinstance(f, ast.Attribute):
        path.insert(0, f.attr)
        f = f.value
    return path if _is_self(f) and path else None


def writes(fn: Any) -> set[str]:
    """The attributes of ``self`` that ``fn`` assigns: ``self.W = ...``, ``self.W -= ...``, ``self.w[i] = ...``."""
    tree = source_tree(fn) if callable(fn) else None
    if tree is None:
        return set()
    found = set()
    for n in ast.walk(tree):
        for t in n.targets if isinstance(n, ast.Assign) else [n.target] if isinstance(n, ast.AugAssign) else []:
            while isinstance(t, ast.Subscript):
                t = t.value
            if isinstance(t, ast.Attribute) and _is_self(t.value):
                found.add(t.attr)
    return found


def reads(fn: Any) -> set[str]:
    """The attributes of ``self`` that ``fn`` reads."""
    tree = source_tree(fn) if callable(fn) else None
    if tree is None:
        return set()
    return {
        n.attr
        for n in ast.walk(tree)
        if isinstance(n, ast.Attribute) and isinstance(n.ctx, ast.Load) and _is_self(n.value)
    }


def _is_self(node: ast.AST) -> bool:
    return isinstance(node, ast.Name) and node.id == "self"
