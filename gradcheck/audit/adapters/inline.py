"""Loss values written inline: ``cost = -np.mean(Y * np.log(A2) + ...)`` in a training loop or method.

Many submissions never define a loss function: the training loop computes the
loss it prints. Each assignment to a loss-like name (``loss``, ``cost``,
``self.loss``, ``epoch_error``) anywhere in the submission's code is a
candidate: its expression is evaluated in the submission's namespace with the
names it reads bound to the checked batch by role (``y_hat`` the prediction,
``targets`` the targets, ``self`` the model after its forward), or to values
the network offers by name (``A2`` returned by the forward). A name of no
known role fills the prediction or the target, whichever the expression
lacks; an expression that reads no target is not a loss.
"""

from __future__ import annotations

import ast
import builtins
import inspect
from collections.abc import Iterator
from dataclasses import dataclass

from gradcheck.audit.adapters.lossfind import bindings_for_names, is_loss_name
from gradcheck.audit.adapters.names import role_of
from gradcheck.audit.adapters.sources import dedented

#: Characters of an inline loss shown in a report.
SHOWN = 70
#: The role of a collection an inline loss is summed over, sample by sample (:attr:`InlineLoss.looped`).
SAMPLES = "samples"


@dataclass
class InlineLoss:
    """``target = expression`` at ``line`` of ``filename``, inside ``owner`` (a class name, or None)."""

    target: str
    expr: ast.expr
    line: int
    filename: str
    owner: str | None
    #: The collections the loss is summed over, sample by sample: ``data`` of ``for x, y in data: cost += ... /
    #: len(data)``. Read in the expression, such a name is the batch's samples (its ``len`` is their number).
    looped: frozenset[str] = frozenset()

    def text(self) -> str:
        """``cost = -np.mean(...)``, shortened."""
        code = f"{self.target} = {ast.unparse(self.expr)}"
        return code if len(code) <= SHOWN else code[: SHOWN - 3] + "..."


def _target_name(node: ast.Assign) -> str | None:
    if len(node.targets) != 1:
        return None
    t = node.targets[0]
    if isinstance(t, ast.Name):
        return t.id
    if isinstance(t, ast.Attribute) and isinstance(t.value, ast.Name) and t.value.id == "self":
        return f"self.{t.attr}"
    return None


def _computes(expr: ast.expr) -> bool:
    """A computation (a call or arithmetic), not a plain copy or a constant."""
    return any(isinstance(n, (ast.Call, ast.BinOp, ast.UnaryOp)) for n in ast.walk(expr))


def _residual(expr: ast.expr) -> bool:
    """``error = output - target``: a signed difference, the loss's derivative at most, never a loss value."""
    if not (isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.Sub)):
        return False
    return not any(isinstance(n, (ast.Call, ast.BinOp)) for side in (expr.left, expr.right) for n in ast.walk(side))


def _squared_sum(expr: ast.expr) -> bool:
    """``1 / len(o) * np.sum((o - l) ** 2, axis=0)``: a sum or mean of a squared difference."""
    return any(
        isinstance(call, ast.Call)
        and (getattr(call.func, "attr", None) or getattr(call.func, "id", None)) in ("sum", "mean")
        and any(
            isinstance(n, ast.BinOp)
            and isinstance(n.op, ast.Pow)
            and isinstance(n.left, ast.BinOp)
            and isinstance(n.left.op, ast.Sub)
            and isinstance(n.right, ast.Constant)
            and n.right.value == 2
            for n in ast.walk(call)
        )
        for call in ast.walk(expr)
    )


def _loss_named(name: str, value: ast.expr) -> bool:
    """A loss-like name, or a lowercase ``e`` (elsewhere an exponential) holding a sum of squared differences."""
    short = name.rsplit(".", 1)[-1]
    return is_loss_name(short) or (short in ("e", "e_total") and _squared_sum(value))


def in_tree(tree: ast.AST, filename: str, owner: str | None = None, line0: int = 0) -> Iterator[InlineLoss]:
    """Every ``loss-like name = computation`` (or ``+= computation`` inside a loop, a sum over samples) in
    ``tree``; methods carry their class as ``owner``. A ``+=`` outside any loop adds a term to a value computed
    before (``data_loss += reg_lambda / 2 * ...``): the term alone is no loss."""
    stack: list[tuple[ast.AST, str | None, frozenset[str], bool]] = [(tree, owner, frozenset(), False)]
    while stack:
        node, own, loops, looping = stack.pop()
        if isinstance(node, ast.ClassDef):
            own = node.name
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            loops, looping = frozenset(), False
        summed = frozenset()
        if isinstance(node, ast.AugAssign) and isinstance(node.op, ast.Add) and looping:  # sum_error += 0.5 * ...
            summed = loops  # a sum over the loops it sits in
            node = ast.Assign(targets=[node.target], value=node.value, lineno=node.lineno)
        if isinstance(node, ast.Assign):
            name = _target_name(node)
            if name and _loss_named(name, node.value) and _computes(node.value) and not _residual(node.value):
                looped = summed & set(free_names(node.value))
                yield InlineLoss(name, node.value, node.lineno + line0, filename, own, frozenset(looped))
        inner = loops | {node.iter.id} if isinstance(node, ast.For) and isinstance(node.iter, ast.Name) else loops
        within = looping or isinstance(node, (ast.For, ast.AsyncFor, ast.While))
        stack.extend((child, own, inner, within) for child in reversed(list(ast.iter_child_nodes(node))))


def of_functions(funcs: dict) -> Iterator[InlineLoss]:
    """Inline losses in the bodies of the submission's functions."""
    for fn in funcs.values():
        try:
            lines, start = inspect.getsourcelines(fn)
            tree = ast.parse(dedented("".join(lines)))
        except (OSError, TypeError, SyntaxError, IndentationError):
            continue
        yield from in_tree(tree, fn.__code__.co_filename, None, start - 1)


def free_names(expr: ast.expr) -> list[str]:
    """Names the expression reads and does not bind itself (comprehension variables, lambda arguments)."""
    bound = {n.id for n in ast.walk(expr) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
    bound |= {a.arg for n in ast.walk(expr) if isinstance(n, ast.Lambda) for a in n.args.args}
    read = [n.id for n in ast.walk(expr) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)]
    return [n for n in dict.fromkeys(read) if n not in bound]


def read_transposed(expr: ast.expr) -> set[str]:
    """Names the expression reads only as ``name.T``: ``np.mean((outputs - arr2.T) ** 2)``.

    The script that wrote it holds ``arr2`` the other way round from the batch the audit binds
    it to (samples as rows where the network takes them as columns), so such a name is given
    the value transposed, and ``arr2.T`` is the batch again; bound as is, the difference would
    broadcast to a samples-by-samples matrix and the loss value would be no loss at all.
    """
    names = [n for n in ast.walk(expr) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)]
    parents = {id(node.value) for node in ast.walk(expr) if isinstance(node, ast.Attribute) and node.attr == "T"}
    flipped = {n.id for n in names if id(n) in parents}
    return {n for n in flipped if all(id(m) in parents for m in names if m.id == n)}


def name_bindings(loss: InlineLoss, ns: dict, offered: set[str], available: set[str], model: str | None):
    """Ways to bind the expression's free names: lists of (name, role); ``None`` for a module global."""
    names = [n for n in free_names(loss.expr) if (n != "self" or loss.owner == model) and n not in loss.looped]
    if "self" in free_names(loss.expr) and loss.owner != model:
        return
    glob = {n for n in names if n in ns or hasattr(builtins, n)}
    held = "self" in names and _reads_stored_targets(loss.expr)
    samples = [(n, SAMPLES) for n in sorted(loss.looped)]
    for binding in bindings_for_names(names, glob, offered, available | ({"self"} if model else set()), held):
        yield binding + samples


def _reads_stored_targets(expr: ast.expr) -> bool:
    """``self.one_hot_labels`` / ``self.y``: the expression reads the targets the model was given."""
    return any(
        isinstance(n, ast.Attribute) and getattr(n.value, "id", None) == "self" and role_of(n.attr) == "Y"
        for n in ast.walk(expr)
    )
