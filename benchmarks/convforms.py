"""ReLU nets at exactly-zero pre-activations in consecutive layers, written as users write them.

Nothing here imports ``reference_nets`` or ``gradcheck`` (the mpmath helpers are ``kinkforms``'). Zero biases, input
rows and entries of exact zeros, a column of zero incoming weights and
scattered zero weights put pre-activations at exactly 0 in one layer and, through
activations of exactly 0, in the next. The user's backward uses ``(z > 0)``
(``relu'(0) = 0``, as torch does; ``np.where(z > 0, 1, 0.01)`` for leaky ReLU);
at such points the product of that convention over two layers can lie outside
the interval of the one-sided slopes along an entry, although the code is right.

Losses: MSE (``np.mean((out - Y)**2)``), BCE from probabilities
(``p = 1/(1+np.exp(-z))``, ``-np.mean(Y*np.log(p) + (1-Y)*np.log(1-p))``) and
softmax cross-entropy with integer labels; the loss returned as is or through
``float()``. 1 to 3 hidden layers, batch 1 to 16, float64.

The oracle (:func:`oracle`) is mpmath at 50 digits: the gradient under
``relu'(0) = 0`` and ``relu'(0) = 1`` by backprop, and, for every entry where
the two differ, its exact one-sided slopes by forward-mode differentiation along
the entry, the branch of a unit at exactly 0 chosen by the sign of its tangent
(no step at all: exact to the working precision).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from kinkforms import _mp
from kinkforms import _mp_array as _obj

LEAK = 0.01
DIGITS = 50
HEADS = ("mse", "bce", "softmax_ce")


@dataclass(frozen=True)
class ConvForm:
    """One configuration (a pure description)."""

    sizes: tuple[int, ...]
    hidden: str
    head: str
    cast: bool
    batch: int
    scale: float
    seed: int

    @property
    def label(self) -> str:
        cast = " float()" if self.cast else ""
        return f"{'-'.join(map(str, self.sizes))} {self.hidden}|{self.head}{cast} N={self.batch} w{self.scale:.2g}"


def random_form(i: int) -> ConvForm:
    """Configuration number ``i`` (deterministic)."""
    rng = np.random.default_rng(90_000 + i)
    depth = int(rng.integers(1, 4))
    head = str(rng.choice(HEADS))
    out = int(rng.integers(2, 4)) if head == "softmax_ce" else int(rng.integers(1, 3))
    sizes = (int(rng.integers(1, 6)), *(int(rng.integers(1, 7)) for _ in range(depth)), out)
    return ConvForm(
        sizes=sizes,
        hidden="leaky" if rng.random() < 0.25 else "relu",
        head=head,
        cast=bool(rng.random() < 0.3),
        batch=int(rng.choice([1, 2, 4, 8, 16])),
        scale=float(10 ** rng.uniform(-1.5, 0.7)),
        seed=90_000 + i,
    )


def data(form: ConvForm):
    """``(params, X, Y)``: zero biases, zero input rows and entries, zero weight columns and entries."""
    rng = np.random.default_rng(form.seed)
    X = rng.standard_normal((form.batch, form.sizes[0]))
    X[rng.random(X.shape) < 0.2] = 0.0
    X[rng.random(form.batch) < 0.4] = 0.0  # padding rows
    params = {}
    for k, (a, b) in enumerate(zip(form.sizes, form.sizes[1:]), start=1):
        W = rng.standard_normal((a, b)) * form.scale
        if k < len(form.sizes) - 1 and rng.random() < 0.5:
            W[:, int(rng.integers(b))] = 0.0  # a unit whose incoming weights were zero-initialised
        W[rng.random(W.shape) < 0.15] = 0.0
        params[f"W{k}"], params[f"b{k}"] = W, np.zeros(b)
    n, k_out = form.batch, form.sizes[-1]
    if form.head == "softmax_ce":
        Y = rng.integers(0, k_out, size=n)
    elif form.head == "bce":
        Y = (rng.random((n, k_out)) < 0.5).astype(float)
    else:
        Y = rng.standard_normal((n, k_out))
    return params, X, Y


def _act(hidden, z):
    return np.maximum(0, z) if hidden == "relu" else np.where(z > 0, z, LEAK * z)


def _prime(hidden, z):
    return (z > 0).astype(float) if hidden == "relu" else np.where(z > 0, 1.0, LEAK)


def build(form: ConvForm):
    """``(loss, grad, params)`` as a user hands them to a checker."""
    params, X, Y = data(form)
    layers = len(form.sizes) - 1
    n = form.batch

    def forward(p):
        a, zs = X, []
        for k in range(1, layers + 1):
            z = a @ p[f"W{k}"] + p[f"b{k}"]
            zs.append(z)
            a = _act(form.hidden, z) if k < layers else z
        return a, zs

    def loss(p):
        out, _ = forward(p)
        if form.head == "mse":
            value = np.mean((out - Y) ** 2)
        elif form.head == "bce":
            q = 1 / (1 + np.exp(-out))
            value = -np.mean(Y * np.log(q) + (1 - Y) * np.log(1 - q))
        else:
            e = np.exp(out - np.max(out, axis=1, keepdims=True))
            q = e / np.sum(e, axis=1, keepdims=True)
            value = -np.mean(np.log(q[np.arange(n), Y]))
        return float(value) if form.cast else value

    def grad(p):
        out, zs = forward(p)
        if form.head == "mse":
            dz = 2 * (out - Y) / out.size
        elif form.head == "bce":
            dz = (1 / (1 + np.exp(-out)) - Y) / out.size
        else:
            e = np.exp(out - np.max(out, axis=1, keepdims=True))
            q = e / np.sum(e, axis=1, keepdims=True)
            q[np.arange(n), Y] -= 1
            dz = q / n
        g = {}
        for k in range(layers, 0, -1):
            a_prev = X if k == 1 else _act(form.hidden, zs[k - 2])
            g[f"W{k}"], g[f"b{k}"] = a_prev.T @ dz, dz.sum(axis=0)
            if k > 1:
                dz = (dz @ p[f"W{k}"].T) * _prime(form.hidden, zs[k - 2])
        return {name: g[name] for name in params}

    return loss, grad, params


# ------------------------------------------------------------------ the oracle
@dataclass(frozen=True)
class Truth:
    """The exact gradient (``relu'(0) = 0``); ``sides`` maps ``(name, flat index)`` to its exact
    ``(left, right)`` slopes wherever ``relu'(0)`` matters; ``convention``: those of them outside."""

    grad: dict
    sides: dict
    convention: tuple


def _head_grad(form: ConvForm, out, Y):
    """``dL/dout`` in mpmath."""
    mp = _mp()
    n = out.shape[0]
    if form.head == "mse":
        return 2 * (out - Y) / out.size
    if form.head == "bce":
        q = np.frompyfunc(lambda z: 1 / (1 + mp.exp(-z)), 1, 1)(out)
        return (q - Y) / out.size
    e = np.frompyfunc(mp.exp, 1, 1)(out)
    q = e / e.sum(axis=1).reshape(-1, 1)
    onehot = np.zeros(out.shape, dtype=object)
    onehot[np.arange(n), np.asarray(Y, int)] = 1
    return (q - onehot) / n


def _forward(form: ConvForm, P, X, tangent=None):
    """Output and pre-activations; with ``tangent`` (the direction, by tensor), also the output's
    exact one-sided directional derivative (a unit at 0 takes the branch its tangent's sign picks)."""
    layers = len(form.sizes) - 1
    low = 0 if form.hidden == "relu" else LEAK
    a, da, zs = X, None if tangent is None else np.zeros(X.shape, dtype=object), []
    for k in range(1, layers + 1):
        z = np.dot(a, P[f"W{k}"]) + P[f"b{k}"]
        dz = None if tangent is None else np.dot(da, P[f"W{k}"]) + np.dot(a, tangent[f"W{k}"]) + tangent[f"b{k}"]
        zs.append(z)
        if k == layers:
            return z, dz, zs
        if tangent is None:
            pos = np.frompyfunc(lambda v: v > 0, 1, 1)(z).astype(bool)
        else:
            pos = np.frompyfunc(lambda v, d: v > 0 or (v == 0 and d > 0), 2, 1)(z, dz).astype(bool)
        a = np.where(pos, z, z * low)
        da = None if tangent is None else np.where(pos, dz, dz * low)


def _backprop(form: ConvForm, P, X, Y, at0: float):
    out, _, zs = _forward(form, P, X)
    dz = _head_grad(form, out, Y)
    low = 0 if form.hidden == "relu" else LEAK
    g = {}
    for k in range(len(zs), 0, -1):
        z_prev = zs[k - 2] if k > 1 else None
        if k == 1:
            a_prev = X
        else:
            pos = np.frompyfunc(lambda v: v > 0, 1, 1)(z_prev).astype(bool)
            a_prev = np.where(pos, z_prev, z_prev * low)
        g[f"W{k}"], g[f"b{k}"] = np.dot(a_prev.T, dz), dz.sum(axis=0)
        if k > 1:
            prime = np.frompyfunc(lambda v: 1 if v > 0 else (at0 if v == 0 else low), 1, 1)(z_prev)
            if form.hidden == "leaky":
                prime = np.frompyfunc(lambda v: 1 if v > 0 else (at0 + (1 - at0) * LEAK if v == 0 else LEAK), 1, 1)(
                    z_prev
                )
            dz = np.dot(dz, P[f"W{k}"].T) * prime
    return g


def slope(form: ConvForm, P, X, Y, name: str, j: int, sign: int) -> float:
    """The exact one-sided slope ``sign * D(sign e_j)`` of the loss along entry ``j`` of ``name``."""
    tangent = {k: np.zeros(v.shape, dtype=object) for k, v in P.items()}
    tangent[name].reshape(-1)[j] = sign
    out, dout, _ = _forward(form, P, X, tangent)
    return float(sign * (_head_grad(form, out, Y) * dout).sum())


def oracle(form: ConvForm) -> Truth:
    """The exact gradient of ``form``'s loss, and the one-sided slopes where ``relu'(0)`` matters."""
    mp = _mp()
    params, X, Y = data(form)
    with mp.workdps(DIGITS):
        P = {k: _obj(v) for k, v in params.items()}
        Xm = _obj(X)
        Ym = np.asarray(Y) if form.head == "softmax_ce" else _obj(Y)
        left, right = _backprop(form, P, Xm, Ym, 0), _backprop(form, P, Xm, Ym, 1)
        sides, outside = {}, []
        for name in params:
            differ = np.frompyfunc(lambda a, b: a != b, 2, 1)(left[name], right[name]).astype(bool).reshape(-1)
            for j in np.flatnonzero(differ):
                lo, hi = slope(form, P, Xm, Ym, name, int(j), -1), slope(form, P, Xm, Ym, name, int(j), 1)
                sides[(name, int(j))] = (lo, hi)
                v = float(left[name].reshape(-1)[j])
                a, b = sorted((lo, hi))
                pad = 1e-12 * max(abs(a), abs(b), 1e-300)
                if not a - pad <= v <= b + pad:
                    outside.append((name, int(j)))
        grad = {k: np.asarray(v, dtype=object).astype(np.float64).reshape(params[k].shape) for k, v in left.items()}
    return Truth(grad, sides, tuple(outside))


def classify(g: dict, truth: Truth) -> str:
    """``wrong`` (the user's gradient is not the exact one: a fault of this generator), ``smooth`` (no entry
    at a kink), ``subgradient`` (every kinked entry within its slopes) or ``convention`` (some outside)."""
    for name, t in truth.grad.items():
        top = max(float(np.max(np.abs(t), initial=0.0)), 1e-300)
        if np.max(np.abs(np.asarray(g[name], np.float64) - t), initial=0.0) > 1e-9 * top + 1e-300:
            return "wrong"
    if not truth.sides:
        return "smooth"
    return "convention" if truth.convention else "subgradient"


def plant(grad, name: str, index, factor: float):
    """``grad`` with one entry multiplied by ``factor``."""

    def bad(p):
        g = {k: np.array(v, copy=True) for k, v in grad(p).items()}
        g[name][index] = g[name][index] * factor
        return g

    return bad


def scaled(grad, factor: float):
    """``grad`` with every entry multiplied by ``factor`` (a missing ``1/N``: ``factor = N``)."""
    return lambda p: {k: v * factor for k, v in grad(p).items()}
