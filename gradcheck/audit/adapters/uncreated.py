"""Weights the code reads as module globals but never creates: said, never invented.

A student file may declare its weights global and use them without ever making them::

    def forward(x):
        global W1, W2
        z1 = sigmoid(x.dot(W1))
        ...

(the notebook cell or script that made them was not handed in). No value exists to
perturb, and the grader cannot know the sizes the student meant: the honest answer
is that the weights are missing, named, rather than the generic "no weight arrays".
"""

from __future__ import annotations

import ast
from typing import Any

from gradcheck.audit.adapters.names import is_param_name


def _assigned(tree: ast.AST) -> set[str]:
    """Every name the code makes anywhere (assignments, loops, imports, function arguments); an in-place
    update (``W2 -= lr * grad``) makes nothing."""
    updated = {id(n.target) for n in ast.walk(tree) if isinstance(n, ast.AugAssign)}
    bound: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store) and id(node) not in updated:
            bound.add(node.id)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            bound.update((a.asname or a.name).split(".")[0] for a in node.names)
        elif isinstance(node, ast.arg):
            bound.add(node.arg)
    return bound


def missing_globals(stmts: list[ast.stmt], namespace: Any) -> list[str]:
    """Weight-like names the code's functions declare ``global`` that nothing creates, in source order.

    Parameters
    ----------
    stmts : list of ast.stmt
        The entry file's top-level statements.
    namespace : dict or module
        The loaded module's names (a name defined there exists, however it was made).

    Returns
    -------
    list of str
        Names declared global, weight-like, absent from the namespace and never bound by a
        plain assignment anywhere in the file ([] when any such name is created somewhere).
    """
    ns = namespace if isinstance(namespace, dict) else getattr(namespace, "__dict__", {})
    tree = ast.Module(body=list(stmts), type_ignores=[])
    declared = [n for node in ast.walk(tree) if isinstance(node, ast.Global) for n in node.names]
    declared = [n for n in dict.fromkeys(declared) if is_param_name(n) and n not in ns]
    made = _assigned(tree)
    return [n for n in declared if n not in made]


def error_text(names: list[str]) -> str:
    """The error for weights read as globals that no code creates."""
    return (
        f"the weights {', '.join(names)} are read as module globals (declared global) but no code of the "
        "submission creates them: there are no weights to check, and the grader cannot know their sizes. "
        "No spec setting creates them: the code must make its weights (W1 = np.random.randn(...)) to be audited"
    )


__all__ = ["error_text", "missing_globals"]
