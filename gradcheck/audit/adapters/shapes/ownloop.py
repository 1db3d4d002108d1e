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
from gradcheck.audit.astnames import called_name, names_in
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


def loop_roles(stmts: list[ast.stmt], funcs: set[str]) -> tuple[str, str, int] | None:
    """(forward, backward, line) from the first top-level loop that calls one function on another's results."""
    for loop in assembly.script_body(stmts):
        if not isinstance(loop, (ast.For, ast.While)):
            continue
        calls = _calls(loop.body, funcs)
        for (f, bound, _, line), (g, _, read, _) in zip(calls, calls[1:]):
            if f != g and bound and bound & read:
                return f, g, line
    return None


def find(ctx: Context) -> Target | None:
    """The entry the script's own loop names, when it names one (None otherwise)."""
    roles = loop_roles(getattr(ctx.loaded, "stmts", None) or [], set(ctx.funcs))
    if roles is None or ctx.spec.get("entry"):
        return None
    forward, backward, line = roles
    sub = dataclasses.replace(ctx, spec={**ctx.spec, "entry": backward, "forward": forward})
    try:
        target = spec_entry.find(sub)
    except (AuditError, StudentCodeError):
        return None
    ctx.notes.append(
        f"{forward}() and {backward}() taken for the forward and the backward: the script's training loop "
        f"calls {backward}() on what {forward}() returns ({ctx.loaded.locate(line)})"
    )
    return target


__all__ = ["find", "loop_roles"]
