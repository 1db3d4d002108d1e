"""A sample count read off the data's shape by set-up code that could not run: ``m, n = data.shape``.

A notebook loads its data file, takes its size, and its backward divides by it::

    data = np.array(pd.read_csv("train.csv"))
    m, n = data.shape                      # skipped: the data file is not there

    def backward_prop(Z1, A1, Z2, A2, W1, W2, X, Y):
        dW2 = 1 / m * dZ2.dot(A1.T)        # reads the global m

The data cannot load in the audit, so ``m`` is unbound and the backward raises ``NameError``.
The code divides by it to average over the samples: in the audit those are the checked
batch's. A name bound from a ``.shape`` at module level (``m, n = data.shape``, ``m =
X.shape[1]``) that is unbound, that the submission's functions read and divide by, and that
is the only such name of its statement, is bound to the checked batch's number of samples,
with a note.
"""

from __future__ import annotations

import ast

from gradcheck.audit.adapters import assembly
from gradcheck.audit.astnames import read_names


def _of_shape(value: ast.expr) -> bool:
    """``data.shape`` or ``data.shape[i]``."""
    if isinstance(value, ast.Subscript):
        value = value.value
    return isinstance(value, ast.Attribute) and value.attr == "shape"


def _bound_names(stmt: ast.stmt) -> list[str]:
    """The names a module-level ``a, b = x.shape`` or ``a = x.shape[i]`` binds (none for anything else)."""
    if not (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and _of_shape(stmt.value)):
        return []
    target = stmt.targets[0]
    if isinstance(target, ast.Name):
        return [target.id]
    if isinstance(target, ast.Tuple) and all(isinstance(e, (ast.Name, ast.Starred)) for e in target.elts):
        return [e.id for e in target.elts if isinstance(e, ast.Name)]
    return []


def _divisors(bodies: list[ast.stmt]) -> set[str]:
    """Plain names the functions divide by (``1 / m * dW``, ``dZ.sum() / m``)."""
    return {
        node.right.id
        for body in bodies
        for node in ast.walk(body)
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div) and isinstance(node.right, ast.Name)
    }


def shape_counts(stmts: list[ast.stmt]) -> dict[str, int]:
    """Names set from a ``.shape`` at module level that the functions divide by, one per statement (with lines)."""
    bodies = [s for s in stmts if isinstance(s, (ast.FunctionDef, ast.ClassDef))]
    read = set().union(*(read_names(b) for b in bodies)) if bodies else set()
    divided = _divisors(bodies)
    found: dict[str, int] = {}
    for stmt in assembly.script_body(stmts):
        used = [name for name in _bound_names(stmt) if name in read]
        if len(used) == 1 and used[0] in divided:
            found.setdefault(used[0], stmt.lineno)
    return found


def bind_shape_counts(loaded, n: int, notes: list[str]) -> None:
    """Bind each unbound sample count the functions divide by, read off the data's shape, to ``n``."""
    stmts = getattr(loaded, "stmts", None) or []
    namespace = loaded.module.__dict__
    for name, line in sorted(shape_counts(stmts).items()):
        if name in namespace:
            continue
        namespace[name] = n
        notes.append(
            f"{name} is read off the data's shape ({loaded.locate(line)}), which did not run (its data is not "
            f"there), and the functions divide by it: it is the checked batch's {n} samples"
        )


__all__ = ["bind_shape_counts", "shape_counts"]
