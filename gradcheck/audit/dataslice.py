"""The data preparation a module's weight definitions need, out of the top-level code left unrun.

Only definitions run when a submission is loaded; the rest of its top-level code (data
loading, training, plots) is skipped. A script that sizes its weights from its data fails
there::

    digits = load_digits()
    X_train, X_test, y_train, y_test = train_test_split(digits.data, ...)
    input_size = X_train.shape[1]
    W1 = np.random.randn(input_size, hidden_size) * 0.1   # NameError: input_size

This finds the skipped assignments such a failed definition reads, transitively, in source
order (the backward slice), so they can be run before the definition is tried again.
Assignments whose value calls one of the module's own functions or classes that loops
(``params = train(X, y)``) are training, never data preparation: they stay unrun.
"""

from __future__ import annotations

import ast

from gradcheck.audit.astnames import read_names


def writes(stmt: ast.stmt) -> set[str]:
    """The plain names an assignment binds (a ``with`` block of assignments: its own and its ``as`` names)."""
    if isinstance(stmt, ast.With):
        bound = [i.optional_vars for i in stmt.items if i.optional_vars is not None]
        return {n.id for t in bound for n in ast.walk(t) if isinstance(n, ast.Name)}.union(*map(writes, stmt.body))
    targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
    return {n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)}


def _is_assignment(s: ast.stmt) -> bool:
    return isinstance(s, (ast.Assign, ast.AnnAssign)) and s.value is not None


def _is_preparation(s: ast.stmt) -> bool:
    """An assignment, or a ``with`` block of assignments only (``with np.load("mnist.npz") as f: X = f["x"]``)."""
    return _is_assignment(s) or (isinstance(s, ast.With) and all(map(_is_assignment, s.body)))


def _reads(s: ast.stmt) -> set[str]:
    """The names a preparation statement's values read."""
    if isinstance(s, ast.With):
        return set().union(*(read_names(i.context_expr) for i in s.items), *map(_reads, s.body))
    return read_names(s.value)


def _loopers(stmts: list[ast.stmt]) -> set[str]:
    """Module functions and classes whose body loops: calling them trains or evaluates."""
    out = set()
    for s in stmts:
        if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            if any(isinstance(n, (ast.For, ast.While, ast.comprehension)) for n in ast.walk(s)):
                out.add(s.name)
    return out


def _calls(node: ast.AST) -> set[str]:
    return {n.func.id for n in ast.walk(node) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)}


def backward_slice(stmts: list[ast.stmt], skipped: list[ast.stmt], failed: list[ast.stmt]) -> list[ast.stmt]:
    """The ``skipped`` assignments the ``failed`` statements read, transitively, in source order.

    Parameters
    ----------
    stmts : list of ast.stmt
        The module's top-level statements.
    skipped : list of ast.stmt
        Those left unrun (not definitions).
    failed : list of ast.stmt
        Definitions that raised ``NameError`` when run.

    Returns
    -------
    list of ast.stmt
        Assignments (and ``with`` blocks of them) from ``skipped``, each before the statement that needs it.
    """
    loopers = _loopers(stmts)
    candidates = [s for s in skipped if _is_preparation(s) and not (_calls(s) & loopers)]
    wanted: set[str] = set().union(*(read_names(f) for f in failed)) if failed else set()
    last = max((f.lineno for f in failed), default=0)
    chosen: list[ast.stmt] = []
    for s in sorted(candidates, key=lambda s: s.lineno, reverse=True):
        if s.lineno < last and writes(s) & wanted:
            chosen.append(s)
            wanted |= _reads(s)
    return sorted(chosen, key=lambda s: s.lineno)
