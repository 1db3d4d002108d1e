"""Robust losses and exact kinks, written the way people write them, with an independent oracle.

Nothing here imports ``reference_nets`` or ``gradcheck``. Two families of
correct nets that a gradient checker tends to get wrong:

robust losses
    Huber through ``np.where(np.abs(r) < delta, 0.5 * r**2, delta * (np.abs(r) - 0.5 * delta))``,
    the ``np.minimum(np.abs(r), delta)`` form, and smooth-L1 with ``beta``;
    ``np.abs`` and ``np.where`` mangle or drop the imaginary part of a complex step.
exact kinks
    ``b = np.zeros`` biases with all-zero input rows (``z`` is exactly 0 for every
    unit of that sample) or a column of zero weights (a unit whose pre-activation
    is exactly 0 for every sample); ReLU as ``np.maximum(0, z)`` and leaky ReLU as
    ``np.where(z > 0, z, 0.01 * z)`` with the derivative ``(z > 0)``.

Hidden layers: ReLU, leaky ReLU, sigmoid; weights scaled 0.01 to 10; batch 1 to
256; float64 and float32.

The oracle (:func:`oracle`) is mpmath at 50 digits: the gradient by backprop with
the same subgradient convention as the user (``relu'(0) = 0``), and, at every
entry where that convention matters (the gradient with ``relu'(0) = 1`` differs),
the exact left and right slopes of the loss along that entry from 50-digit
differences at a step of 1e-25 (piecewise analytic: truncation ~1e-25 of the
curvature). An entry is a *subgradient* entry when the user's value lies in the
closed interval of its one-sided slopes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from mlpclosures import closures

HIDDEN = ("relu", "leaky", "sigmoid")
LOSSES = ("huber_where", "huber_min", "smooth_l1", "mse")
ZEROS = ("none", "rows", "column")
LEAK = 0.01
#: mpmath digits, and the step of the one-sided slopes (their truncation is ~step x curvature).
DIGITS = 50
SIDE_STEP = "1e-25"


@dataclass(frozen=True)
class KinkForm:
    """One configuration (a pure description)."""

    sizes: tuple[int, ...]
    hidden: str
    loss: str
    zeros: str
    zero_bias: bool
    dtype: str
    batch: int
    scale: float
    delta: float
    seed: int

    @property
    def label(self) -> str:
        zb = " b=0" if self.zero_bias else ""
        return (
            f"{'-'.join(map(str, self.sizes))} {self.hidden}|{self.loss} d{self.delta:g} zeros:{self.zeros}{zb} "
            f"{self.dtype} N={self.batch} w{self.scale:.2g}"
        )

    @property
    def key(self) -> str:
        return f"{self.loss} {self.hidden} zeros:{self.zeros}{' b=0' if self.zero_bias else ''} {self.dtype}"


def random_form(i: int) -> KinkForm:
    """Configuration number ``i`` (deterministic)."""
    rng = np.random.default_rng(70_000 + i)
    depth = int(rng.integers(1, 3))
    batch = int(rng.choice([1, 2, 4, 8, 16, 32, 64, 128, 256], p=(0.1, 0.1, 0.1, 0.1, 0.15, 0.15, 0.1, 0.1, 0.1)))
    width = 9 if batch <= 64 else 5  # (the 50-digit oracle's cost grows with batch x weights)
    sizes = (int(rng.integers(1, 7)), *(int(rng.integers(1, width)) for _ in range(depth)), int(rng.integers(1, 4)))
    zeros = str(rng.choice(ZEROS, p=(0.3, 0.45, 0.25)))
    return KinkForm(
        sizes=sizes,
        hidden=str(rng.choice(HIDDEN)),
        loss=str(rng.choice(LOSSES, p=(0.35, 0.25, 0.25, 0.15))),
        zeros=zeros,
        zero_bias=bool(zeros != "none" or rng.random() < 0.7),
        dtype="float32" if rng.random() < 0.2 else "float64",
        batch=batch,
        scale=float(10 ** rng.uniform(-2, 1)),
        delta=float(rng.choice([1.0, 0.5, 0.1])),
        seed=70_000 + i,
    )


def data(form: KinkForm):
    """``(params, X, Y)`` in the form's dtype."""
    rng = np.random.default_rng(form.seed)
    dt = np.dtype(form.dtype)
    X = rng.standard_normal((form.batch, form.sizes[0]))
    if form.zeros == "rows":  # padding rows, a blank image: an all-zero input row
        X[rng.random(form.batch) < 0.3] = 0.0
        X[0] = 0.0
    params = {}
    for k, (a, b) in enumerate(zip(form.sizes, form.sizes[1:]), start=1):
        params[f"W{k}"] = (rng.standard_normal((a, b)) * form.scale).astype(dt)
        params[f"b{k}"] = (np.zeros(b) if form.zero_bias else 0.1 * rng.standard_normal(b)).astype(dt)
    if form.zeros == "column":  # a unit whose incoming weights were zero-initialised
        params["W1"][:, int(rng.integers(form.sizes[1]))] = 0.0
    # residuals in both Huber branches: targets around the output's own scale
    Y = (rng.standard_normal((form.batch, form.sizes[-1])) * max(1.0, form.delta)).astype(dt)
    return params, X.astype(dt), Y


def _act(name, z):
    if name == "relu":
        return np.maximum(0, z)
    if name == "leaky":
        return np.where(z > 0, z, LEAK * z)
    return 1 / (1 + np.exp(-z))


def _prime(name, z, a):
    if name == "relu":
        return (z > 0).astype(z.dtype)
    if name == "leaky":
        return np.where(z > 0, 1.0, LEAK).astype(z.dtype)
    return a * (1 - a)


def _robust(name, r, d):
    if name == "huber_where":
        return np.mean(np.where(np.abs(r) < d, 0.5 * r**2, d * (np.abs(r) - 0.5 * d)))
    if name == "huber_min":
        q = np.minimum(np.abs(r), d)
        return np.mean(0.5 * q**2 + d * (np.abs(r) - q))
    if name == "smooth_l1":
        return np.mean(np.where(np.abs(r) < d, 0.5 * r**2 / d, np.abs(r) - 0.5 * d))
    return np.mean(r**2)


def _robust_prime(name, r, d):
    if name in ("huber_where", "huber_min"):
        return np.clip(r, -d, d) / r.size
    if name == "smooth_l1":
        return np.where(np.abs(r) < d, r / d, np.sign(r)) / r.size
    return 2 * r / r.size


def build(form: KinkForm):
    """``(loss, grad, params)`` as a user hands them to a checker."""
    params, X, Y = data(form)
    loss, grad = closures(
        params,
        X,
        lambda z: _act(form.hidden, z),
        lambda z: _prime(form.hidden, z, _act(form.hidden, z)),
        lambda out: _robust(form.loss, out - Y, form.delta),
        lambda out: _robust_prime(form.loss, out - Y, form.delta),
    )
    return loss, grad, params


def plant(grad, name: str, index, value=None, relative: float = 0.0):
    """``grad`` with one entry multiplied by ``1 + relative`` (or set to ``value``)."""

    def bad(p):
        g = {k: np.array(v, copy=True) for k, v in grad(p).items()}
        g[name][index] = value if value is not None else g[name][index] * (1 + relative)
        return g

    return bad


# ------------------------------------------------------------------ the oracle
@dataclass(frozen=True)
class Truth:
    """The exact gradient (``relu'(0) = 0``), and the one-sided slopes where the convention matters.

    ``sides`` maps ``(name, flat index)`` to ``(left, right)`` exact slopes;
    ``at_zero`` counts pre-activations exactly 0.
    """

    grad: dict
    sides: dict
    at_zero: int


def _mp():
    import mpmath

    return mpmath


def _mp_array(a):
    mp = _mp()
    return np.asarray(np.frompyfunc(lambda v: mp.mpf(float(v)), 1, 1)(np.asarray(a)), dtype=object)


def _mp_forward(form: KinkForm, P, X, Y, at0: float):
    """Loss, caches and the count of exact zeros, in mpmath (``at0``: the activation's slope taken at 0)."""
    mp = _mp()
    sig = np.frompyfunc(lambda z: 1 / (1 + mp.exp(-z)), 1, 1)
    layers = len(form.sizes) - 1
    a, cache, zeros = X, [], 0
    for k in range(1, layers + 1):
        z = np.dot(a, P[f"W{k}"]) + P[f"b{k}"]
        pos = np.frompyfunc(lambda v: v > 0, 1, 1)(z).astype(bool)
        zero = np.frompyfunc(lambda v: v == 0, 1, 1)(z).astype(bool)
        if k < layers:
            zeros += int(zero.sum()) if form.hidden != "sigmoid" else 0
            if form.hidden == "sigmoid":
                a_new = sig(z)
                prime = a_new * (1 - a_new)
            else:
                low = 0 if form.hidden == "relu" else LEAK
                a_new = np.where(pos, z, z * low)
                prime = np.where(pos, 1, np.where(zero, at0 if form.hidden == "relu" else at0 + (1 - at0) * LEAK, low))
            cache.append((a, z, prime))
            a = a_new
        else:
            cache.append((a, z, None))
            a = z
    r = a - Y
    d = mp.mpf(form.delta)
    absr = np.frompyfunc(abs, 1, 1)(r)
    small = np.frompyfunc(lambda v: v < d, 1, 1)(absr).astype(bool)
    if form.loss in ("huber_where", "huber_min"):
        terms = np.where(small, r * r / 2, d * (absr - d / 2))
        dr = np.where(small, r, np.frompyfunc(lambda v: d if v > 0 else -d, 1, 1)(r))
    elif form.loss == "smooth_l1":
        terms = np.where(small, r * r / (2 * d), absr - d / 2)
        dr = np.where(small, r / d, np.frompyfunc(lambda v: 1 if v > 0 else -1, 1, 1)(r))
    else:
        terms, dr = r * r, 2 * r
    return terms.sum() / r.size, dr / r.size, cache, zeros


def _mp_grad(form: KinkForm, P, X, Y, at0: float):
    _, dz, cache, zeros = _mp_forward(form, P, X, Y, at0)
    g = {}
    for k in range(len(cache), 0, -1):
        a_prev = cache[k - 1][0]
        g[f"W{k}"], g[f"b{k}"] = np.dot(a_prev.T, dz), dz.sum(axis=0)
        if k > 1:
            dz = np.dot(dz, P[f"W{k}"].T) * cache[k - 2][2]
    return g, zeros


def oracle(form: KinkForm) -> Truth:
    """The exact gradient of ``form``'s loss and the one-sided slopes where ``relu'(0)`` matters."""
    mp = _mp()
    params, X, Y = data(form)
    with mp.workdps(DIGITS):
        P = {k: _mp_array(v) for k, v in params.items()}
        Xm, Ym = _mp_array(X), _mp_array(Y)
        left, zeros = _mp_grad(form, P, Xm, Ym, 0)
        right, _ = _mp_grad(form, P, Xm, Ym, 1)
        sides, h = {}, mp.mpf(SIDE_STEP)
        L0 = _mp_forward(form, P, Xm, Ym, 0)[0]
        for name in params:
            differ = np.frompyfunc(lambda a, b: a != b, 2, 1)(left[name], right[name]).astype(bool).reshape(-1)
            for j in np.flatnonzero(differ):
                slopes = []
                for sign in (-1, 1):
                    Q = dict(P)
                    Q[name] = P[name].copy().reshape(-1)
                    Q[name][j] = Q[name][j] + sign * h
                    Q[name] = Q[name].reshape(P[name].shape)
                    slopes.append(float(sign * (_mp_forward(form, Q, Xm, Ym, 0)[0] - L0) / h))
                sides[(name, int(j))] = tuple(slopes)
        grad = {k: np.asarray(v, dtype=object).astype(np.float64).reshape(params[k].shape) for k, v in left.items()}
    return Truth(grad, sides, zeros)


def classify(form: KinkForm, g: dict, truth: Truth) -> str:
    """``smooth`` (no entry at a kink), ``subgradient`` (the exact value of every kinked entry, under the
    user's ``relu'(0) = 0``, within its one-sided slopes), ``convention`` (some such entry outside them:
    ``relu'(0)`` composed through units at exactly 0 in two layers), or ``wrong`` (``g`` differs from the
    exact gradient: a fault of this generator)."""
    tol = 1e-3 if form.dtype == "float32" else 1e-9
    for name, t in truth.grad.items():
        top = max(float(np.max(np.abs(t), initial=0.0)), 1e-300)
        if np.max(np.abs(np.asarray(g[name], np.float64) - t), initial=0.0) > tol * top + 1e-300:
            return "wrong"
    if not truth.sides:
        return "smooth"
    for (name, j), (lo, hi) in truth.sides.items():
        # the exact value of the user's convention (the user's own is it, rounded: checked above)
        lo, hi = sorted((lo, hi))
        v = float(truth.grad[name].reshape(-1)[j])
        pad = 1e-12 * max(abs(lo), abs(hi), 1e-300)
        if not lo - pad <= v <= hi + pad:
            return "convention"
    return "subgradient"
