"""A batch size only the training loop computes: ``m_batch = end - begin`` beside ``X[:, begin:end]``.

Mini-batch scripts slice each batch out of the data and compute its width in the loop::

    for j in range(batches):
        begin = j * batch_size
        end = min(begin + batch_size, n)
        X = X_train[:, begin:end]
        m_batch = end - begin
        grads = back_propagate(X, Y, params, cache)   # reads the global m_batch

The loop does not run in the audit (it trains, and its data may not even load), so the
global is unbound and the backward raises ``NameError``. Its value is known all the same:
the width of the batch the loop slices, which in the audit is the checked batch. A name
the loop binds to ``hi - lo`` while it slices ``[lo:hi]``, that the submission's functions
read and that nothing else bound, is bound to the checked batch's number of samples, with
a note.
"""

from __future__ import annotations

import ast

from gradcheck.audit.adapters import assembly
from gradcheck.audit.astnames import read_names


def _slice_bounds(loop: ast.AST) -> set[tuple[str, str]]:
    """``(lo, hi)`` of every ``[lo:hi]`` slice in ``loop``, each bound as its ``ast.dump``."""
    return {
        (ast.dump(node.lower), ast.dump(node.upper))
        for node in ast.walk(loop)
        if isinstance(node, ast.Slice) and node.lower is not None and node.upper is not None
    }


def loop_widths(stmts: list[ast.stmt]) -> dict[str, int]:
    """Names a training loop binds to the width of a slice it takes (``m = end - begin``), with their lines."""
    found: dict[str, int] = {}
    for stmt in assembly.script_body(stmts):
        for loop in (n for n in ast.walk(stmt) if isinstance(n, (ast.For, ast.While))):
            bounds = _slice_bounds(loop)
            for node in ast.walk(loop):
                if not (isinstance(node, ast.Assign) and len(node.targets) == 1):
                    continue
                target, value = node.targets[0], node.value
                if (
                    isinstance(target, ast.Name)
                    and isinstance(value, ast.BinOp)
                    and isinstance(value.op, ast.Sub)
                    and (ast.dump(value.right), ast.dump(value.left)) in bounds
                ):
                    found.setdefault(target.id, node.lineno)
    return found


def bind_loop_widths(loaded, n: int, notes: list[str]) -> None:
    """Bind each unbound loop-only batch width the functions read to ``n``, the checked batch's samples."""
    stmts = getattr(loaded, "stmts", None) or []
    namespace = loaded.module.__dict__
    bodies = [s for s in stmts if isinstance(s, (ast.FunctionDef, ast.ClassDef))]
    read = set().union(*(read_names(b) for b in bodies)) if bodies else set()
    for name, line in sorted(loop_widths(stmts).items()):
        if name in namespace or name not in read:
            continue
        namespace[name] = n
        notes.append(
            f"{name} is the width of the batch the training loop slices ({loaded.locate(line)}) and the "
            f"functions read it; the loop does not run in the audit, so it is the checked batch's {n} samples"
        )


__all__ = ["bind_loop_widths", "loop_widths"]
