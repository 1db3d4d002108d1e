"""Small questions asked of a syntax tree of the student's code, answered in one place.

Which names an expression uses or reads, which function a call names, whether a statement
makes an array with one of a set of makers (``np.random.randn``, ``rng.normal``). The loader's
data slice, the inline-update hoister and the adapters all ask them.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator

__all__ = ["RANDOM_MAKERS", "called_name", "calls_of", "makes_array", "names_in", "read_names", "updated_from_itself"]


def names_in(node: ast.AST) -> set[str]:
    """Every plain name in ``node``, read or bound (``W1``, ``X``; not attributes)."""
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}


def read_names(node: ast.AST) -> set[str]:
    """The plain names ``node`` reads (not those it binds)."""
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}


def called_name(node: ast.AST) -> str | None:
    """The name a call calls: ``f`` of ``f(x)``, ``m`` of ``obj.m(x)``; None for anything else."""
    f = node.func if isinstance(node, ast.Call) else None
    return f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else None


def calls_of(tree: ast.AST, name: str) -> Iterator[ast.Call]:
    """The calls in ``tree`` that call ``name`` (as a function or as a method)."""
    return (node for node in ast.walk(tree) if isinstance(node, ast.Call) and called_name(node) == name)


def makes_array(node: ast.AST, makers: Iterable[str]) -> bool:
    """Whether ``node`` calls a method named like one of ``makers`` (``np.random.randn(...)``, ``rng.normal``)."""
    makers = frozenset(makers)
    return any(
        isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr in makers for n in ast.walk(node)
    )


#: Calls that draw a weight array at random (``np.random.randn(...)``, ``rng.normal(...)``).
RANDOM_MAKERS = ("randn", "rand", "normal", "uniform", "standard_normal", "random")


def updated_from_itself(stmt: ast.AST, names: set[str]) -> str | None:
    """The one of ``names`` a statement updates from itself (``W = W + d``, ``W += d``), or None."""
    if isinstance(stmt, ast.AugAssign) and isinstance(stmt.target, ast.Name) and stmt.target.id in names:
        return stmt.target.id
    if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
        name = stmt.targets[0].id
        if name in names and name in names_in(stmt.value):
            return name
    return None
