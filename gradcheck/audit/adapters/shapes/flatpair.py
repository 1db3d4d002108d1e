"""A cost and its gradient as two functions of one flat vector and the data, at sizes the module fixes.

What ``scipy.optimize.minimize(cost, theta0, args=(X, y), jac=cost_grad)`` takes:
``cost(theta, X, y)`` returns the loss, ``cost_grad(theta, X, y)`` the gradient as a flat vector
of the same length, and both unpack ``theta`` themselves (``W1, b1, W2, b2 = unpack(theta)``)
at sizes the module sets (``n_input, n_hidden = 3, 5``), so none are arguments. The layout is
read off the gradient function's own unpacking statements, run on a vector whose entries are
their positions, as for :mod:`.flatunpack`; the inputs are the first weight's rows or columns,
and the vector's length, the inputs and the label form are the ones at which the gradient
function runs and returns a vector of that length and the cost a finite number. The grader then
calls both on the vector the pieces unroll to: ``(J, {W1: ..., b1: ...})``, like a cost function
returning ``(J, grad)``.
"""

from __future__ import annotations

import ast
from collections.abc import Callable

import numpy as np

from gradcheck.audit.adapters.calling import call_student, plain_params
from gradcheck.audit.adapters.names import GRAD_METHODS, role_of
from gradcheck.audit.adapters.params import Tensor
from gradcheck.audit.adapters.shapes.flatunpack import (
    MAX_FLAT,
    TRIAL_SAMPLES,
    bound_names,
    flat_target,
    pieces_at,
    split_flat,
    unpacking,
)
from gradcheck.audit.adapters.shapes.unrolled import FLAT_ARG
from gradcheck.audit.adapters.target import Context, Target

#: Names a gradient function over a flat vector has beside those of a backward (``cost_grad``, ``jac``).
GRAD_WORDS = ("grad", "gradient", "jac", "jacobian", "deriv", "derivative", "backprop", "fprime")


def has_flat_pair(stmts: list[ast.stmt]) -> bool:
    """Whether the module defines a gradient function and another function, both over a flat vector and the data
    (``def cost_grad(theta, X, y)`` beside ``def cost(theta, X, y)``): they are the entry, not the script's loop."""
    defs = [
        s
        for s in stmts
        if isinstance(s, ast.FunctionDef)
        and len(s.args.args) - len(s.args.defaults) == 3
        and FLAT_ARG.match(s.args.args[0].arg)
    ]
    return any(_grad_named(d.name) for d in defs) and any(not _grad_named(d.name) for d in defs)


def find(ctx: Context) -> Target | None:
    """A gradient function ``g(flat, X, y)`` returning a flat vector, beside a cost ``f(flat, X, y)``."""
    flat = {n: fn for n, fn in ctx.funcs.items() if _over_flat(fn)}
    for gname in sorted(flat, key=lambda n: (not _grad_named(n), n)):
        if not _grad_named(gname):
            continue
        layout = _layout(gname, flat[gname], flat)
        if layout is not None:
            return _target(ctx, gname, flat, *layout)
    return None


def _over_flat(fn: Callable) -> bool:
    """A flat vector first, then only the data (``X``, ``y``) without defaults."""
    try:
        plist = plain_params(fn)
    except (TypeError, ValueError):
        return False
    required = [p.name for p in plist if p.default is p.empty]
    if len(required) != 3 or not FLAT_ARG.match(required[0]):
        return False
    return sorted((role_of(n) if n not in ("X", "x") else "X" for n in required[1:]), key=str) == ["X", "Y"]


def _grad_named(name: str) -> bool:
    low = name.lower()
    return low in GRAD_METHODS or any(w in low.split("_") or low.endswith(w) for w in GRAD_WORDS)


def _layout(gname: str, grad: Callable, flat: dict[str, Callable]):
    """(pieces, inputs, label form, cost name) at the first vector length both functions run at; else None."""
    stmts = unpacking(grad, dict.fromkeys(_args(grad)[1:], "X"))  # (its data arguments end the unpacking)
    if not stmts:
        return None
    code = compile(ast.Module(body=stmts, type_ignores=[]), grad.__code__.co_filename, "exec")
    bound = bound_names(stmts)
    rng = np.random.default_rng(0)
    args = _args(grad)
    for length in range(2, MAX_FLAT):
        pieces = pieces_at(code, bound, grad, {args[0]: np.zeros(1)}, length)
        if pieces is None:
            continue
        theta = rng.normal(0, 0.5, length)
        for n_in in _inputs(pieces):
            X = rng.normal(size=(TRIAL_SAMPLES, n_in))
            for form, Y in _label_forms(pieces):
                g = _call(gname, grad, theta, X, Y)
                if g is None or np.size(g) != length:
                    continue
                cost = _cost(flat, gname, theta, X, Y)
                if cost is not None:
                    return pieces, n_in, form, cost
    return None


def _args(fn: Callable) -> list[str]:
    return [p.name for p in plain_params(fn) if p.default is p.empty]


def _inputs(pieces) -> list[int]:
    """The input widths the first weight matrix allows: its rows (``X @ W1``), else its columns (``W1 @ x``)."""
    first = next((shape for _, _, shape, _ in pieces if len(shape) == 2), None)
    return [] if first is None else list(dict.fromkeys(first))


def _label_forms(pieces):
    """Label forms to try, most common first: a vector of 0/1 for one output, else integers and one-hot rows."""
    last = [shape for _, _, shape, _ in pieces if len(shape) == 2][-1]
    n = TRIAL_SAMPLES
    labels = np.arange(n) % 2
    yield "vector", labels.astype(float)
    yield "column", labels.astype(float)[:, None]
    for k in dict.fromkeys(last):
        if k > 1:
            yield "int", np.arange(n) % k
            yield "onehot", np.eye(k)[np.arange(n) % k]


def _call(name: str, fn: Callable, theta: np.ndarray, X: np.ndarray, Y: np.ndarray):
    try:
        return call_student(name, fn, theta.copy(), X, Y)
    except Exception:  # noqa: BLE001 - another length, input width or label form
        return None


def _cost(flat: dict[str, Callable], gname: str, theta: np.ndarray, X: np.ndarray, Y: np.ndarray) -> str | None:
    """The other function over the flat vector that returns a finite number there (the cost), by name."""
    for name, fn in flat.items():
        if name == gname or _grad_named(name):
            continue
        value = _call(name, fn, theta, X, Y)
        if np.size(value) == 1 and np.isfinite(np.asarray(value, dtype=float)).all():
            return name
    return None


def _target(ctx: Context, gname: str, flat: dict, pieces: list, n_in: int, form: str, cost: str) -> Target:
    rng = np.random.default_rng(0)
    made = {p: rng.normal(0, 0.5, shape) for p, _, shape, _ in pieces}
    text = ", ".join(f"{p} {shape}" for p, _, shape, _ in pieces)
    ctx.notes.append(
        f"{cost} and {gname}: a cost and its gradient over one flat vector ({_args(flat[gname])[0]}) that the code "
        f"unpacks into {text} at the sizes it fixes ({n_in} inputs), read off its slices and reshapes; labels "
        f"{_FORM_WORDS[form]}"
    )

    def call(root: dict, X: np.ndarray, Y: np.ndarray):
        theta = np.concatenate([root[p].ravel(order=o) for p, _, _, o in pieces])
        y = _labels(Y, form)
        J = call_student(cost, flat[cost], theta.copy(), X, y)
        return J, split_flat(call_student(gname, flat[gname], theta.copy(), X, y), pieces)

    return flat_target(ctx, gname, made, call, own_sizes=True, params_of=lambda root: _tensors(pieces))


def _tensors(pieces: list) -> list[Tensor]:
    """The pieces as parameters; a bias is what the code slices as a vector (``B`` may name a matrix)."""
    return [Tensor(p, (("item", p),), tuple(s), None, i, len(s) == 1) for i, (p, _, s, _) in enumerate(pieces)]


_FORM_WORDS = {
    "vector": "a vector (N,)",
    "column": "a column (N, 1)",
    "int": "integers",
    "onehot": "one-hot rows",
}


def _labels(Y: np.ndarray, form: str) -> np.ndarray:
    if form == "vector":
        return np.ravel(Y) if Y.ndim == 1 or Y.shape[1] == 1 else Y
    if form == "int":
        return np.argmax(Y, axis=1) if Y.ndim == 2 and Y.shape[1] > 1 else np.ravel(Y).astype(int)
    return Y
