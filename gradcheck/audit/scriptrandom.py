"""A training script whose forward draws random numbers on every pass: dropout written inline.

``mask = (np.random.rand(*a1.shape) > p).astype(float); a1 *= mask`` inside the loop that
computes the gradients: the activations are multiplied by a fresh draw each pass, so
no forward at fixed weights exists to difference, and the loss the script prints is
one draw's. The audit refuses it with an honest error (the class and function shapes
find the same by running their forward twice: :mod:`gradcheck.audit.adapters.repeat`).
A draw used otherwise (``idx = np.random.permutation(n)`` picking a batch) is left alone:
the captured batch is fixed.
"""

from __future__ import annotations

import ast

from gradcheck.audit.astnames import names_in
from gradcheck.audit.loader import AuditError

#: numpy.random functions that draw fresh numbers.
_DRAWS = {"rand", "randn", "random", "random_sample", "binomial", "uniform", "normal", "choice", "integers", "randint"}


def _draws(expr: ast.AST) -> bool:
    """The expression calls ``np.random.<draw>`` (or a generator's ``rng.<draw>``)."""
    return any(
        isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr in _DRAWS for n in ast.walk(expr)
    )


def _multiplied(body: list[ast.stmt], name: str) -> ast.stmt | None:
    """The first statement of ``body`` that multiplies something by ``name``."""
    for stmt in body:
        for n in ast.walk(stmt):
            if isinstance(n, ast.AugAssign) and isinstance(n.op, ast.Mult) and name in names_in(n.value):
                return stmt
            if isinstance(n, ast.BinOp) and isinstance(n.op, ast.Mult) and name in names_in(n):
                return stmt
    return None


def _loops(stmts: list[ast.stmt]):
    for stmt in stmts:
        for n in ast.walk(stmt):
            if isinstance(n, (ast.For, ast.While)):
                yield n


def random_mask(stmts: list[ast.stmt], grads: list[str]) -> tuple[int, int] | None:
    """(line of the draw, line of its use) of a random mask multiplied in the loop computing ``grads``, or None."""
    for loop in _loops(stmts):
        body = list(loop.body)
        assigned = {n.id for s in body for n in ast.walk(s) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
        if not set(grads) & assigned:
            continue
        for i, stmt in enumerate(body):
            if not (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name)):
                continue
            if _draws(stmt.value):
                use = _multiplied(body[i + 1 :], stmt.targets[0].id)
                if use is not None:
                    return stmt.lineno, use.lineno
    return None


def refuse_random_mask(stmts: list[ast.stmt], grads: list[str], where) -> None:
    """Raise an honest error when the training loop multiplies by a fresh random draw (see the module docstring)."""
    found = random_mask(stmts, grads)
    if found is None:
        return
    drawn, used = found
    raise AuditError(
        f"the training loop draws random numbers on every pass ({where(drawn)}) and multiplies by them "
        f"({where(used)}): dropout written inline, so the forward differs on every pass and no change of the loss "
        "can be traced to one weight (random_forward). Leave the dropout out of the graded script, or set its rate "
        "so that it keeps every unit there",
        where="running the script",
        type_="RandomForward",
    )
