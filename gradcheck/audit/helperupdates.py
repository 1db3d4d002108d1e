"""A training script that updates its weights through a helper: ``(w, b) = backward(x, d, w, b)``.

Tutorial scripts keep the weights as module variables and move the update into a small function::

    def backward(x, d, w, b):
        w -= d.T.dot(x) * ALPHA
        b -= np.sum(d, axis=0) * ALPHA
        return w, b
    ...
    (output_weight, output_bias) = backward(hidden, output_delta, output_weight, output_bias)

Script mode reads gradients off updates the script writes (``W -= lr * dW``); here they are inside the
helper, and the helper's name made the script look like function code whose backward could not be
called (``cannot tell what to pass as argument 'w' of predict(x, w, b)``). A helper whose body is
only in-place updates of its own arguments (and a ``return`` of those arguments) is written out at
each call: its updates with the call's arguments put in place of its parameters, which is what the
call does; so is a helper that only returns the step a weight's update subtracts (``W -= backward(x,
d)`` with ``def backward(x, d): return d.T.dot(x) * alpha``). The rewritten script is then an ordinary
training script. Any other helper is left as it is.
"""

from __future__ import annotations

import ast
import copy
from dataclasses import dataclass

__all__ = ["inline_update_helpers"]


@dataclass(frozen=True)
class _Helper:
    params: list[str]
    updates: list[ast.AugAssign]
    returned: list[str]


def _helper(fn: ast.FunctionDef) -> _Helper | None:
    args = fn.args
    if args.vararg or args.kwarg or args.kwonlyargs or args.defaults or args.posonlyargs:
        return None
    params = [a.arg for a in args.args]
    body = [s for s in fn.body if not (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant))]
    returned: list[str] = []
    if body and isinstance(body[-1], ast.Return):
        value = body.pop().value
        items = value.elts if isinstance(value, ast.Tuple) else [value]
        if not all(isinstance(v, ast.Name) and v.id in params for v in items):
            return None
        returned = [v.id for v in items]
    updates = [s for s in body if isinstance(s, ast.AugAssign) and isinstance(s.op, (ast.Sub, ast.Add))]
    if (
        not updates
        or len(updates) != len(body)
        or not all(isinstance(u.target, ast.Name) and u.target.id in params for u in updates)
    ):
        return None
    return _Helper(params, updates, returned)


class _Substitute(ast.NodeTransformer):
    def __init__(self, mapping: dict[str, ast.expr]):
        self.mapping = mapping

    def visit_Name(self, node: ast.Name) -> ast.expr:
        if isinstance(node.ctx, ast.Load) and node.id in self.mapping:
            return copy.deepcopy(self.mapping[node.id])
        return node


def _step_helper(fn: ast.FunctionDef) -> ast.Lambda | None:
    """``def backward(x, d): return d.T.dot(x) * alpha``: a helper that only returns a step, as a lambda."""
    args = fn.args
    body = [s for s in fn.body if not (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant))]
    if args.vararg or args.kwarg or args.kwonlyargs or args.defaults or args.posonlyargs:
        return None
    if len(body) != 1 or not isinstance(body[0], ast.Return) or body[0].value is None:
        return None
    return ast.Lambda(args=args, body=body[0].value)


def _step_written_out(stmt: ast.stmt, steps: dict[str, ast.Lambda]) -> ast.stmt | None:
    """``W -= backward(x, d)``: the step the helper returns, written in place of the call."""
    call = stmt.value if isinstance(stmt, ast.AugAssign) and isinstance(stmt.target, ast.Name) else None
    if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and call.func.id in steps):
        return None
    fn = steps[call.func.id]
    params = [a.arg for a in fn.args.args]
    if call.keywords or len(call.args) != len(params):
        return None
    value = _Substitute(dict(zip(params, call.args))).visit(copy.deepcopy(fn.body))
    new = ast.AugAssign(target=ast.Name(id=stmt.target.id, ctx=ast.Store()), op=stmt.op, value=value)
    for node in ast.walk(new):
        ast.copy_location(node, stmt)
    return new


def _written_out(stmt: ast.stmt, helpers: dict[str, _Helper]) -> list[ast.stmt] | None:
    """The helper call ``stmt`` as the updates it makes, or None when it is not such a call."""
    call = stmt.value if isinstance(stmt, (ast.Assign, ast.Expr)) else None
    if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and call.func.id in helpers):
        return None
    h = helpers[call.func.id]
    if call.keywords or len(call.args) != len(h.params):
        return None
    mapping = dict(zip(h.params, call.args))
    if isinstance(stmt, ast.Assign):  # (w, b) = helper(..., w, b): the names assigned are the ones handed in
        target = stmt.targets[0] if len(stmt.targets) == 1 else None
        names = target.elts if isinstance(target, ast.Tuple) else [target]
        if len(names) != len(h.returned) or not all(
            isinstance(t, ast.Name) and isinstance(mapping[r], ast.Name) and mapping[r].id == t.id
            for t, r in zip(names, h.returned)
        ):
            return None
    if not all(isinstance(mapping[u.target.id], ast.Name) for u in h.updates):
        return None
    out = []
    for u in h.updates:
        new = ast.AugAssign(
            target=ast.Name(id=mapping[u.target.id].id, ctx=ast.Store()),
            op=u.op,
            value=_Substitute(mapping).visit(copy.deepcopy(u.value)),
        )
        for node in ast.walk(new):  # every part of the written-out update is at the call's line
            ast.copy_location(node, stmt)
        out.append(new)
    return out


def _rewrite(stmts: list[ast.stmt], helpers: dict, steps: dict, used: set[str]) -> list[ast.stmt]:
    out: list[ast.stmt] = []
    for s in stmts:
        written = _written_out(s, helpers)
        step = _step_written_out(s, steps) if written is None else None
        if written is not None or step is not None:
            used.add(s.value.func.id)
            out.extend(written if written is not None else [step])
            continue
        if isinstance(s, (ast.For, ast.While, ast.If, ast.With)):
            s = copy.copy(s)
            s.body = _rewrite(s.body, helpers, steps, used)
            if getattr(s, "orelse", None):
                s.orelse = _rewrite(s.orelse, helpers, steps, used)
        out.append(s)
    return out


def inline_update_helpers(stmts: list[ast.stmt]) -> tuple[list[ast.stmt], list[str]]:
    """The module's statements with each update helper's calls written out, and the helpers written out.

    A helper written out at every call left in module code is dropped from the statements (its name made
    the script look like function code); none written out: the statements unchanged and an empty list.
    """
    defs = [s for s in stmts if isinstance(s, ast.FunctionDef)]
    helpers = {s.name: h for s in defs if (h := _helper(s)) is not None}
    steps = {s.name: f for s in defs if (f := _step_helper(s)) is not None}
    if not helpers and not steps:
        return stmts, []
    used: set[str] = set()
    rewritten = _rewrite(stmts, helpers, steps, used)
    if not used:
        return stmts, []
    still_called = {
        n.func.id for s in rewritten for n in ast.walk(s) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)
    }
    kept = [s for s in rewritten if not (isinstance(s, ast.FunctionDef) and s.name in used - still_called)]
    return kept, sorted(used)
