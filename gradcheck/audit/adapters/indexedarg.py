"""Weights a function reads by position from one argument (``model[0]``, ``model[2]``).

Some code hands its whole network around as one list or tuple and indexes it inside the
backward. Said by name in the error when no parameters were found, so the instructor
knows which argument holds them.
"""

from __future__ import annotations

import ast
from typing import Any

from gradcheck.audit.adapters.names import role_of
from gradcheck.audit.adapters.sources import source_tree
from gradcheck.audit.adapters.target import Target


def indexed_argument(target: Target, probe: Any) -> tuple[str, list[str]] | None:
    """(argument, its uses) when the backward reads weights as ``model[0]``, ``model[2]`` from an argument."""
    try:
        fn = target.get_backward(probe)
    except Exception:  # noqa: BLE001 - no backward to read
        return None
    tree = source_tree(fn) if fn is not None else None
    if tree is None or not tree.body or not isinstance(tree.body[0], ast.FunctionDef):
        return None
    for a in tree.body[0].args.args:
        uses = sorted(
            {
                ast.unparse(n)
                for n in ast.walk(tree)
                if isinstance(n, ast.Subscript)
                and isinstance(n.value, ast.Name)
                and n.value.id == a.arg
                and isinstance(n.slice, ast.Constant)
                and isinstance(n.slice.value, int)
            }
        )
        if len(uses) >= 2 and role_of(a.arg) not in ("X", "Y"):
            return a.arg, uses[:4]
    return None


__all__ = ["indexed_argument"]
