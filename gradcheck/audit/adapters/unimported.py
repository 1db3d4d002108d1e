"""numpy used but never imported: the notebook's first cell (``import numpy as np``) was not handed in.

A file copied out of a notebook keeps every function and loses the import cell; each
function that reads ``np`` raises ``NameError`` when called. When the audit then finds no
model, the error says so, instead of only listing the functions it found.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable

#: Aliases of numpy students write.
ALIASES = ("np", "numpy")


def _bound(stmts: list[ast.stmt]) -> set[str]:
    names: set[str] = set()
    for node in (n for s in stmts for n in ast.walk(s)):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            names |= {(a.asname or a.name).split(".")[0] for a in node.names}
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
        elif isinstance(node, ast.arg):
            names.add(node.arg)
    return names


#: The words of the numpy error, read back by :func:`unrepairable`.
NEVER_IMPORTED = "numpy is never imported"


def unrepairable(broken: list[str], has_definitions: bool) -> bool:
    """Whether the loading failures ``broken`` are the submission's own defect, which no spec setting repairs:
    numpy never imported, or every definition's own statement raising (nothing was defined)."""
    return any(("was never defined" in b and not has_definitions) or NEVER_IMPORTED in b for b in broken)


def numpy_unimported(stmts: Iterable[ast.stmt]) -> list[str]:
    """``["np is read but numpy is never imported ..."]`` when the code reads an alias nothing binds, else []."""
    stmts = list(stmts)
    read = {n.id for s in stmts for n in ast.walk(s) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}
    missing = [a for a in ALIASES if a in read and a not in _bound(stmts)]
    if not missing:
        return []
    return [
        f"{missing[0]} is read but {NEVER_IMPORTED} (no `import numpy as {missing[0]}`): every function "
        "using it raises NameError"
    ]
