"""Forward and backward functions of any name, as the script's own training loop calls them.

Names say forward and backward in most code (``forward``, ``backprop``); some code calls
them anything::

    for it in range(4000):
        H, O = run(I)
        learn(I, T, H, O, 1.0)

When no shape found the network by its names, the module's training loop tells the
roles: a call of one of the student's functions whose results the next call of another
of them takes is the forward, and that next call is the backward. The pair is then
audited as ``[entry] function`` / ``[entry] forward`` would name it.
"""

from __future__ import annotations

import ast
import dataclasses

from gradcheck.audit.adapters import assembly
from gradcheck.audit.adapters.shapes import spec_entry
from gradcheck.audit.adapters.target import Context, Target
from gradcheck.audit.astnames import called_name, names_in, read_names
from gradcheck.audit.loader import AuditError, StudentCodeError


def _calls(body: list[ast.stmt], funcs: set[str]) -> list[tuple[str, set[str], set[str], int]]:
    """(function, names it binds, names its arguments read, line) of each statement calling one of ``funcs``."""
    out = []
    for s in body:
        value = s.value if isinstance(s, (ast.Assign, ast.Expr)) else None
        name = called_name(value) if isinstance(value, ast.Call) else None
        if name in funcs:
            bound = {n for t in s.targets for n in names_in(t)} if isinstance(s, ast.Assign) else set()
            read = set().union(*(names_in(a) for a in [*value.args, *(k.value for k in value.keywords)]))
            out.append((name, bound, read, s.lineno))
    return out


def _updates(stmt: ast.stmt, grads: set[str]) -> bool:
    """``stmt`` updates something with ``grads``: ``W -= lr * dW``, ``p["W1"] = p["W1"] - lr * g["dW1"]``,
    ``params = update(params, grads, lr)``."""
    if isinstance(stmt, ast.AugAssign):
        return bool(read_names(stmt.value) & grads)
    if isinstance(stmt, ast.Assign):
        read = read_names(stmt.value)
        return bool(read & grads) and bool(read & {n for t in stmt.targets for n in names_in(t)})
    return False


def loop_roles(stmts: list[ast.stmt], funcs: set[str]) -> tuple[str, str, int] | None:
    """(forward, backward, line): a call of one function on another's results in a training loop.

    Every loop counts, nested ones too (a mini-batch loop inside the epoch loop). A pair whose
    second call's results an update of the same loop reads (``grads = backprop(X, Y, params, cache)``
    then ``params["W1"] = params["W1"] - lr * grads["dW1"]``) wins over one whose second call only
    measures (``cost = compute_loss(Y, cache["A2"])`` once per epoch); else the first pair found.
    """
    first = None
    for stmt in assembly.script_body(stmts):
        for loop in (n for n in ast.walk(stmt) if isinstance(n, (ast.For, ast.While))):
            calls = _calls(loop.body, funcs)
            for (f, bound, _, line), (g, got, read, g_line) in zip(calls, calls[1:]):
                if f == g or not bound & read:
                    continue
                later = [s for s in loop.body if s.lineno > g_line]
                if got and any(_updates(n, got) for s in later for n in ast.walk(s)):
                    return f, g, line
                first = first or (f, g, line)
    return first


def find(ctx: Context) -> Target | None:
    """The entry the script's own loop names, when it names one (None otherwise)."""
    roles = loop_roles(getattr(ctx.loaded, "stmts", None) or [], set(ctx.funcs))
    if roles is None or ctx.spec.get("entry"):
        return None
    forward, backward, line = roles
    sub = dataclasses.replace(ctx, spec={**ctx.spec, "entry": backward, "forward": forward})
    try:
        target = spec_entry.find(sub)
    except (AuditError, StudentCodeError) as exc:
        if isinstance(exc, AuditError) and exc.type == "NeedsSizes" and ctx.sizes is None:
            raise  # the pair needs sizes: tried again with invented ones
        return None
    ctx.notes.append(
        f"{forward}() and {backward}() taken for the forward and the backward: the script's training loop "
        f"calls {backward}() on what {forward}() returns ({ctx.loaded.locate(line)})"
    )
    return target


__all__ = ["find", "loop_roles"]
