"""Methods written outside their class: ``def backprop(self, x, y)`` at a module's top level.

A copied ``class Network`` whose ``def`` lines lost their indentation ends after its
docstring; ``__init__``, ``feedforward`` and ``backprop`` become module functions that
take a ``self`` nothing passes. The audit then finds a backward function but no weights
(no object ever runs that ``__init__``): the error says what happened, instead of asking
for a parameters setting that cannot help.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable

#: Functions shown in the error.
SHOWN = 4


def methods_outside(stmts: Iterable[ast.stmt]) -> str | None:
    """The error for top-level functions taking ``self`` beside a class, or None."""
    stmts = list(stmts)
    classes = [s.name for s in stmts if isinstance(s, ast.ClassDef)]
    loose = [
        s
        for s in stmts
        if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef)) and s.args.args and s.args.args[0].arg == "self"
    ]
    if not classes or not loose:
        return None
    shown = ", ".join(f"{f.name}(self, ...)" for f in loose[:SHOWN])
    more = f" and {len(loose) - SHOWN} more" if len(loose) > SHOWN else ""
    return (
        f"{shown}{more} take self but are written at the top level of the file, outside class "
        f"{' / '.join(classes)}: their def lines are not indented under the class, so no object has them "
        "and no weights are ever made. A defect of the submission, which no spec setting repairs: indent "
        "the methods into the class"
    )
