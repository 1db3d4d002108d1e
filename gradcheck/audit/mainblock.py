"""The setup of a script's ``if __name__ == "__main__":`` block, run as the module's own.

Many scripts keep their functions at top level and make their data and weights in the
guarded block, then train::

    def forward(X): return sigmoid(sigmoid(X @ W1 + b1) @ W2 + b2)
    ...
    if __name__ == "__main__":
        X = np.array([[0., 0.], [0., 1.], ...])
        W1 = rng.normal(0, 1, (2, 4))          # module globals the functions read
        b1 = np.zeros(4)
        for epoch in range(5000): ...          # training: never run

Loading runs definitions only, so the weights never existed. The guarded block's
statements that would be kept at top level (imports, constants, numpy arrays, seeds:
:func:`gradcheck.audit.loader.is_definition`) are lifted into the module in place, at
the block's position; its loops, prints, calls of the student's own code and anything
after them stay unrun, as the rest of the top level does.
"""

from __future__ import annotations

import ast
import copy
from collections.abc import Callable

#: The note a lifted setup leaves (its line ranges follow).
NOTE = 'the setup of the `if __name__ == "__main__":` block (its imports, constants and numpy arrays) was run'


def is_main_guard(stmt: ast.stmt) -> bool:
    """``if __name__ == "__main__":`` (either operand order, either quote)."""
    if not isinstance(stmt, ast.If) or not isinstance(stmt.test, ast.Compare):
        return False
    t = stmt.test
    if len(t.ops) != 1 or not isinstance(t.ops[0], ast.Eq) or len(t.comparators) != 1:
        return False
    sides = [t.left, t.comparators[0]]
    names = [s for s in sides if isinstance(s, ast.Name) and s.id == "__name__"]
    consts = [s for s in sides if isinstance(s, ast.Constant) and s.value == "__main__"]
    return len(names) == 1 and len(consts) == 1


def unguard(stmts: list[ast.stmt], keep: Callable[[ast.stmt], bool]) -> tuple[list[ast.stmt], list[tuple[int, int]]]:
    """The statements with each top-level main guard's leading setup lifted out of it.

    Parameters
    ----------
    stmts
        The module's top-level statements.
    keep
        Whether a statement would be run at top level (the loader's definition filter).

    Returns
    -------
    statements, lifted
        The new statement list (the guard keeps whatever was not lifted, for the
        "not run" note) and the (first, last) line of each lifted run.
    """
    out: list[ast.stmt] = []
    lifted: list[tuple[int, int]] = []
    for stmt in stmts:
        if not is_main_guard(stmt) or stmt.orelse:
            out.append(stmt)
            continue
        head = _leading_setup(stmt.body, keep)
        if not head:
            out.append(stmt)
            continue
        out.extend(head)
        lifted.append((head[0].lineno, head[-1].end_lineno or head[-1].lineno))
        rest = stmt.body[len(head) :]
        if rest:
            guard = copy.copy(stmt)  # what stays unrun starts where the lifted setup ends
            guard.body, guard.lineno = rest, rest[0].lineno
            out.append(guard)
    return out, lifted


def guarded(stmts: list[ast.stmt]) -> list[ast.stmt]:
    """The statements inside the module's main guards (to find the generators they make)."""
    return [s for g in stmts if is_main_guard(g) for s in g.body]


def _leading_setup(body: list[ast.stmt], keep: Callable[[ast.stmt], bool]) -> list[ast.stmt]:
    """The block's statements up to the first one that would not be kept (a loop, a print, a training call)."""
    head = []
    for s in body:
        if not keep(s) or isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            break
        head.append(s)
    return head


__all__ = ["NOTE", "guarded", "is_main_guard", "unguard"]
