"""Cost functions over an unrolled parameter vector (the Coursera ``nnCostFunction`` port).

``nn_cost_function(nn_params, input_layer_size, hidden_layer_size, num_labels, X,
y, lambda_) -> (J, grad)``: one flat vector holds ``Theta1`` (hidden x (inputs +
1)) then ``Theta2`` (labels x (hidden + 1)), each with its bias column first; ``y``
holds integer labels the function turns into one-hot rows; ``grad`` is unrolled
the same way. The grader keeps ``Theta1`` and ``Theta2`` as the parameters, with
small sizes it invents (the flat length is ``h*(n+1) + k*(h+1)`` by construction),
calls the function on the vector they unroll to (in the order the code reshapes
with: ``order='F'`` when it says so) and splits the returned gradient the same way.

The function has no forward of its own. The network it describes is the one the
exercise defines (sigmoid hidden layer, sigmoid outputs, bias column first); the
student's own ``J`` at the same weights is what confirms it (the grader compares
it with the loss of that network), so a different network ends in an honest
error, never a verdict on a network the code is not.
"""

from __future__ import annotations

import ast
import inspect
import re
from collections.abc import Callable

import numpy as np

from gradcheck.audit.adapters.calling import call_student, plain_params
from gradcheck.audit.adapters.names import role_of, size_role
from gradcheck.audit.adapters.sources import dedented, source_tree
from gradcheck.audit.adapters.target import Context, Target
from gradcheck.audit.loader import AuditError

#: The flat parameter vector's argument (first) and the penalty's.
FLAT_ARG = re.compile(r"^(nn_?params|params|theta|thetas|nn_?weights|weights|w|x0|p)$", re.I)
PENALTY_ARG = re.compile(r"^(lambda_?|lmbda|lam|lamb|reg|l2|_?lambda)$", re.I)
#: Invented sizes: inputs, hidden units, labels (distinct, so every shape says which it is).
N_IN, N_HIDDEN, N_LABELS = 3, 5, 3
#: Scale of the grader's weights: sigmoids away from saturation, every unit active.
WEIGHT_SCALE = 0.5
#: Relative agreement asked of the code's J with the exercise network's loss (see _confirm).
JTOL = 1e-6


def _roles(fn: Callable) -> dict[str, str] | None:
    """``{argument: role}`` (flat, n_in, hidden, n_out, X, Y, penalty) when ``fn`` has this shape, else None."""
    plist = plain_params(fn)
    if len(plist) < 6 or not FLAT_ARG.match(plist[0].name):
        return None
    roles = {plist[0].name: "flat"}
    for p in plist[1:]:
        role = role_of(p.name) if p.name not in ("X", "x") else "X"
        if role in ("X", "Y"):
            roles[p.name] = role
        elif PENALTY_ARG.match(p.name):
            roles[p.name] = "penalty"
        elif size_role(p.name) in ("n_in", "hidden", "n_out"):
            roles[p.name] = size_role(p.name)
        elif p.default is p.empty:
            return None
    wanted = {"flat", "n_in", "hidden", "n_out", "X", "Y"}
    return roles if wanted <= set(roles.values()) else None


def _source(fn: Callable) -> str:
    try:
        return dedented(inspect.getsource(fn))
    except (OSError, TypeError):
        return ""


def _fortran(fn: Callable) -> bool:
    """Does the code reshape in column-major order (``order='F'``, an Octave port)?"""
    tree = source_tree(fn)
    return tree is not None and any(
        isinstance(n, ast.keyword) and n.arg == "order" and isinstance(n.value, ast.Constant) and n.value.value == "F"
        for n in ast.walk(tree)
    )


def _one_based(fn: Callable, y_name: str) -> bool:
    """Labels 1..K (``y - 1`` as an index, ``y == i + 1``): the Octave exercise's convention."""
    src = _source(fn).replace(" ", "")
    return f"{y_name}-1" in src or f"{y_name}==i+1" in src or f"{y_name}==c+1" in src


def _confirm(name: str, J, out: np.ndarray, Y: np.ndarray) -> None:
    """The code's J is the exercise network's cross-entropy at these weights, or the network is another one."""
    onehot = Y if Y.ndim == 2 and Y.shape[1] == out.shape[1] else np.eye(out.shape[1])[np.ravel(Y).astype(int)]
    expected = float(-np.sum(onehot * np.log(out) + (1 - onehot) * np.log(1 - out)) / out.shape[0])
    try:
        value = float(np.asarray(J, dtype=float).reshape(()))
    except (TypeError, ValueError):
        value = float("nan")
    # a log(p + 1e-8) guard moves J by ~1e-8 per term; another activation or loss moves it by far more
    if not np.isfinite(value) or abs(value - expected) > JTOL * max(1.0, abs(expected)):
        raise AuditError(
            f"{name} returns J = {value:.6g} where the exercise's network (sigmoid hidden layer and outputs, "
            f"bias column first, cross-entropy summed over the labels and averaged over the samples) gives "
            f"{expected:.6g} at the same weights: its network or loss is another one, which this shape cannot "
            "model (not a spec setting); audit it as functions with [entry] function, or check it by hand",
            where="reading the cost function",
            type_="UnsupportedNetwork",
        )


def find(ctx: Context, only: str | None = None) -> Target | None:
    """A module function ``f(flat, n_in, hidden, n_out, X, y, lambda) -> (J, grad)`` (None otherwise).

    ``only``: the function the spec's ``[entry] function`` names.
    """
    for name, fn in ctx.funcs.items():
        if only is not None and name != only:
            continue
        roles = _roles(fn)
        if roles is not None:
            return _target(ctx, name, fn, roles)
    return None


def _target(ctx: Context, name: str, fn: Callable, roles: dict[str, str]) -> Target:
    n_in = ctx.sizes.n_in if ctx.sizes is not None else N_IN
    n_out = ctx.sizes.n_out if ctx.sizes is not None else N_LABELS
    hidden = next(h for h in range(N_HIDDEN, N_HIDDEN + 4) if h not in (n_in, n_out))
    order = "F" if _fortran(fn) else "C"
    y_name = next(a for a, r in roles.items() if r == "Y")
    base = 1 if _one_based(fn, y_name) else 0
    rng = np.random.default_rng(0)
    made = {
        "Theta1": rng.normal(0, WEIGHT_SCALE, (hidden, n_in + 1)),
        "Theta2": rng.normal(0, WEIGHT_SCALE, (n_out, hidden + 1)),
    }
    sizes = {"n_in": n_in, "hidden": hidden, "n_out": n_out}
    ctx.notes.append(
        f"{name}: a cost function over an unrolled parameter vector: Theta1 ({hidden} x {n_in + 1}) and Theta2 "
        f"({n_out} x {hidden + 1}), bias column first, sizes invented (input {n_in}, hidden {hidden}, labels "
        f"{n_out}; the gradient check does not depend on them), unrolled in {order} order, "
        f"labels {base}..{n_out - 1 + base}, "
        "penalty 0; the network is the exercise's (sigmoid hidden and output), checked against the code's own J"
    )

    def call(root: dict, X: np.ndarray, Y: np.ndarray):
        t1, t2 = root["Theta1"], root["Theta2"]
        flat = np.concatenate([t1.ravel(order=order), t2.ravel(order=order)])
        labels = (np.argmax(Y, axis=1) if Y.ndim == 2 and Y.shape[1] > 1 else np.ravel(Y).astype(int)) + base
        kwargs = {}
        for arg, role in roles.items():
            kwargs[arg] = {"flat": flat, "X": X, "Y": labels, "penalty": 0.0}.get(role, sizes.get(role))
        ret = call_student(name, fn, **kwargs)
        if not (isinstance(ret, tuple) and len(ret) == 2):
            return ret
        J, grad = ret
        _confirm(name, J, forward(root, X), Y)
        g = np.ravel(np.asarray(grad, dtype=float))
        if g.size != t1.size + t2.size:
            return J, grad
        return J, {
            "Theta1": g[: t1.size].reshape(t1.shape, order=order),
            "Theta2": g[t1.size :].reshape(t2.shape, order=order),
        }

    def forward(root: dict, X: np.ndarray) -> np.ndarray:
        ones = np.ones((X.shape[0], 1))
        hid = 1.0 / (1.0 + np.exp(-(np.hstack([ones, X]) @ root["Theta1"].T)))
        return 1.0 / (1.0 + np.exp(-(np.hstack([ones, hid]) @ root["Theta2"].T)))

    return Target(
        label="module",
        root_name="params",
        fresh=lambda: {k: v.copy() for k, v in made.items()},
        forward_name=None,
        backward_name=name,
        namespace=ctx.ns,
        get_forward=lambda r: lambda X: forward(r, X),
        get_backward=lambda r: lambda X, Y: call(r, X, Y),
        shape="unrolled",
    )
