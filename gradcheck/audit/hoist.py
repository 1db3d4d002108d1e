"""Gradients that a script's updates compute inline: ``syn1 += l1.T.dot(l2_delta)``.

Classic training scripts never name their gradient: the update adds an
expression to the weight (``syn1 += l1.T.dot(l2_delta)``, ``W -= alpha *
(X.T @ delta)``). Such an update says what the gradient is: the increment with
its sign turned (``+=`` is an ascent step, so the gradient is minus the
increment) and, where the increment is a learning-rate-named scalar times an
expression (``alpha * (...)``), without that scalar. The script is rewritten
so that each gradient gets a name the tracer can watch: right before the run
of updates it belongs to, ``__grad_syn1 = -(l1.T.dot(l2_delta))``, then the
updates unchanged. Every gradient of a run of consecutive updates is computed
before the first of them (the script's own order, where a later increment
reads a weight an earlier update changed, is kept instead).

With no learning rate in the update (``syn1 += ...``), the rate is 1 or built
into the expression: the gradient is known up to a positive factor, which the
grader accepts only as a whole-gradient factor (see ``grade._unknown_rate``).
"""

from __future__ import annotations

import ast
import copy
import re
from dataclasses import dataclass

from gradcheck.audit.adapters.names import canon, is_param_name, role_of, strip_grad
from gradcheck.audit.astnames import names_in

#: Prefix of the names given to inline gradients.
PREFIX = "__grad_"
#: Weight names a script updates with an inline expression (beyond ``W1``, ``syn0``, ``theta``).
_WEIGHTY = ("synapse", "weight", "kernel", "theta", "syn", "bias")
#: A model's one parameter array called by that name (``param -= 0.001 * grad``).
_PARAM = re.compile(r"^params?\d*$")


@dataclass(frozen=True)
class InlineUpdate:
    """``param op= [lr *] expr`` at ``line``: the gradient is ``sign * expr``.

    ``lr``: the learning rate divided out, a name (``alpha``) or a number as written (``"0.5"``).
    """

    param: str
    sign: float
    lr: str | None
    line: int

    @property
    def grad(self) -> str:
        """The name the gradient is given in the rewritten script (``weights[1]``: ``__grad_weights_1``)."""
        return PREFIX + self.param.replace("][", "_").replace("[", "_").replace("]", "")


def _weighty(name: str) -> bool:
    """A weight's name, or a list of them indexed (``W[1]``, ``weights[0]``)."""
    base = name.split("[")[0]
    weighty = any(w in base.lower() for w in _WEIGHTY) or bool(_PARAM.match(base.lower()))
    return is_param_name(name) or is_param_name(base) or weighty


def element_name(node: ast.expr) -> str | None:
    """``W1`` for a name, ``weights[1]`` for a list element at a constant index (``weights[1][0]`` nested)."""
    if isinstance(node, ast.Name):
        return node.id
    if (
        isinstance(node, ast.Subscript)
        and isinstance(node.slice, ast.Constant)
        and isinstance(node.slice.value, int)
        and not isinstance(node.slice.value, bool)
    ):
        base = element_name(node.value)
        return f"{base}[{node.slice.value}]" if base else None
    return None


def _increment(node: ast.stmt) -> tuple[str, ast.expr, float] | None:
    """(param, increment, +1 for ``+=``) of ``p += e``, ``p -= e``, ``p = p + e``, ``p = p - e``.

    ``p`` is a name or a list element at a constant index (``weights[1] += ...``).
    """
    if isinstance(node, ast.AugAssign) and isinstance(node.op, (ast.Add, ast.Sub)):
        p = element_name(node.target)
        return (p, node.value, 1.0 if isinstance(node.op, ast.Add) else -1.0) if p else None
    if isinstance(node, ast.Assign) and len(node.targets) == 1:
        v, p = node.value, element_name(node.targets[0])
        if p and isinstance(v, ast.BinOp) and isinstance(v.op, (ast.Add, ast.Sub)) and element_name(v.left) == p:
            return p, v.right, 1.0 if isinstance(v.op, ast.Add) else -1.0
    return None


def _names_a_grad(expr: ast.expr, param: str) -> bool:
    """``W1 -= lr * dW1``: the update names the gradient of its weight (read as it is, not inline)."""
    return any(isinstance(n, ast.Name) and n.id != param and strip_grad(n.id) == canon(param) for n in ast.walk(expr))


def _is_rate(node: ast.expr) -> bool:
    """A learning-rate name (``alpha``, ``lr``) or a positive number written in the update (``0.5 * ...``)."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, (int, float)) and not isinstance(node.value, bool) and node.value > 0
    return isinstance(node, ast.Name) and role_of(node.id) == "lr"


def _rate_text(node: ast.expr) -> str:
    return node.id if isinstance(node, ast.Name) else repr(node.value)


def _split_rate(expr: ast.expr) -> tuple[str | None, ast.expr]:
    """(learning-rate name, the rest) of ``lr * e``, ``e * lr``, ``-lr * e`` (the rest ``-e``) or ``lr * A @ B``;
    (None, expr) otherwise."""
    if not (isinstance(expr, ast.BinOp) and isinstance(expr.op, (ast.Mult, ast.MatMult))):
        return None, expr
    if isinstance(expr.op, ast.Mult):
        for a, b in ((expr.left, expr.right), (expr.right, expr.left)):
            if _is_rate(a):
                return _rate_text(a), b
            if isinstance(a, ast.UnaryOp) and isinstance(a.op, ast.USub) and _is_rate(a.operand):
                return _rate_text(a.operand), ast.UnaryOp(op=ast.USub(), operand=b)  # ``w += -lr * e``
    lr, rest = _split_rate(expr.left)  # (lr * A) @ B == lr * (A @ B)
    if lr is None:
        return None, expr
    return lr, ast.BinOp(left=rest, op=expr.op, right=expr.right)


def inline_update(node: ast.stmt) -> tuple[InlineUpdate, ast.expr] | None:
    """The inline gradient of an update statement (None when it names its gradient, ``W -= lr * dW``)."""
    found = _increment(node)
    if found is None:
        return None
    param, expr, plus = found
    if not _weighty(param) or _names_a_grad(expr, param):
        return None
    if not any(isinstance(n, (ast.Call, ast.BinOp)) for n in ast.walk(expr)):
        return None  # ``w += 1``, ``theta = theta + step``: not a computed gradient
    lr, rest = _split_rate(expr)
    return InlineUpdate(param, -plus, lr, node.lineno), rest


def _grad_stmt(upd: InlineUpdate, rest: ast.expr, at: ast.stmt) -> ast.stmt:
    """``__grad_w = <the update's gradient>``, every node of it on ``at``'s line: a later update's gradient
    hoisted there is traced as run on that line, not on its own update's line, before the update is."""
    value = ast.UnaryOp(op=ast.USub(), operand=copy.deepcopy(rest)) if upd.sign < 0 else copy.deepcopy(rest)
    stmt = ast.Assign(targets=[ast.Name(id=upd.grad, ctx=ast.Store())], value=value)
    for node in ast.walk(stmt):
        node.lineno = node.end_lineno = at.lineno
        node.col_offset, node.end_col_offset = at.col_offset, at.end_col_offset
    return stmt


def _runs(body: list[ast.stmt], params: set[str]):
    """``body`` in order: each statement that is no inline update of ``params``, and each run of consecutive
    ones as a list of ``(statement, update, gradient expression)``."""
    run: list = []
    for stmt in body:
        found = inline_update(stmt)
        if found is not None and found[0].param in params:
            run.append((stmt, *found))
            continue
        if run:
            yield run
            run = []
        yield stmt
    if run:
        yield run


def _stale(run: list) -> list[tuple[InlineUpdate, InlineUpdate]]:
    """``(later, earlier)`` updates of one run where the later one's gradient reads the earlier one's weight."""
    return [(u, e) for k, (_, u, rest) in enumerate(run) for _, e, _ in run[:k] if e.param in names_in(rest)]


def _rewrite_body(body: list[ast.stmt], params: set[str]) -> list[ast.stmt]:
    out: list[ast.stmt] = []
    for item in _runs(body, params):
        if not isinstance(item, list):
            out.append(_descend(item, params))
        elif not _stale(item):  # every gradient read before any weight moves: all of them first
            out += [_grad_stmt(u, rest, item[0][0]) for _, u, rest in item] + [stmt for stmt, _, _ in item]
        else:
            for stmt, u, rest in item:
                out += [_grad_stmt(u, rest, stmt), stmt]
    return out


def _descend(node: ast.stmt, params: set[str]) -> ast.stmt:
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return node
    for field in ("body", "orelse", "finalbody"):
        if isinstance(getattr(node, field, None), list) and getattr(node, field):
            setattr(node, field, _rewrite_body(getattr(node, field), params))
    return node


def updates(stmts: list[ast.stmt]) -> list[InlineUpdate]:
    """The inline updates of top-level code (loops and ifs included), first one per weight."""
    found: dict[str, InlineUpdate] = {}
    stack = list(stmts)
    while stack:
        node = stack.pop(0)
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
            continue
        if isinstance(node, ast.stmt):
            hit = inline_update(node)
            if hit is not None and hit[0].param not in found:
                found[hit[0].param] = hit[0]
        stack.extend(ast.iter_child_nodes(node))
    return list(found.values())


def rewrite(stmts: list[ast.stmt], params: list[str]) -> list[ast.stmt]:
    """A copy of the top-level statements with every inline gradient of ``params`` given its name."""
    return _rewrite_body([copy.deepcopy(s) for s in stmts], set(params))


def stale_reads(stmts: list[ast.stmt], params: list[str]) -> list[tuple[InlineUpdate, InlineUpdate]]:
    """``(later, earlier)``: inline updates in one run where the later one's gradient reads the weight the earlier
    one has just changed (``w2 = w2 - d2 * h.T`` then ``w1 = w1 - (d2 * w2) * ...``: w1's gradient is taken at
    the new w2, not where the forward pass was; no pass of the loop computes every gradient at one point)."""
    wanted, found = set(params), []
    bodies = [list(stmts)]
    while bodies:
        for item in _runs(bodies.pop(), wanted):
            if isinstance(item, list):
                found += _stale(item)
            elif not isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                bodies += [b for f in ("body", "orelse", "finalbody") if isinstance(b := getattr(item, f, None), list)]
    return found


def stale_text(stale: list[tuple[InlineUpdate, InlineUpdate]]) -> str:
    """What :func:`stale_reads` found, said in the script's own names and lines."""
    reads = "; ".join(
        f"{u.param}'s update (line {u.line}) reads {e.param} after {e.param}'s update (line {e.line}) changed it"
        for u, e in stale
    )
    return (
        f"{reads}: its gradient is taken at weights already moved, not at the forward pass's, so no pass of the "
        f"loop gives every gradient at one point. {_MOVED_FIX}"
    )


_MOVED_FIX = (
    "Compute all the gradients from the forward pass's values first, then update the weights (a gradient read at "
    "moved weights is a bug of its own)"
)


def moved_text(reads: list[tuple[str, int, str, int | None]]) -> str:
    """``(weight, its gradient's line, what it reads, the update line of that weight)``, in the script's names;
    the update line is None where what it reads is a gradient already so taken (``delta_h``)."""
    said = "; ".join(
        f"the gradient of {w} (line {line}) reads {moved} after {moved}'s update (line {at}) changed it"
        if at is not None
        else f"the gradient of {w} (line {line}) reads {moved}, taken so"
        for w, line, moved, at in reads
    )
    return (
        f"{said}: those gradients are taken at weights already moved, not at the forward pass's, so they differ "
        f"from the true gradient by a term proportional to the learning rate. {_MOVED_FIX}"
    )
