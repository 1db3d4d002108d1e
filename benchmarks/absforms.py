"""Losses built on ``np.abs``, ``np.where``, ``np.sign``, norms and casts, with an independent oracle.

    nice python benchmarks/absforms.py --count 300 --output /tmp/absforms

Nothing here imports ``reference_nets``; only the runner imports ``gradcheck``.
Every configuration is correct code: an MLP (1 to 3 hidden layers of sigmoid,
tanh or ReLU, widths 1 to 32, batch 1 to 64, weights scaled 1e-3 to 10, float64
or float32, a linear output) under one of these losses, written the way people
write them, each with its hand-derived gradient:

``huber``        ``np.where(np.abs(r) <= d, 0.5 * r**2, d * (np.abs(r) - 0.5 * d))``, mean;
                 gradient ``np.where(np.abs(r) <= d, r, d * np.sign(r)) / N``
``smooth_l1``    ``np.where(np.abs(r) < b, 0.5 * r**2 / b, np.abs(r) - 0.5 * b)``, mean
``l1``           ``np.abs(out - y).mean()``, gradient ``np.sign(r) / N``
``hinge``        ``np.maximum(0, 1 - y * out).mean()`` with ``y`` in {-1, 1}
``logcosh``      ``np.mean(np.log(np.cosh(r)))``, gradient ``np.tanh(r) / N``
``pseudo_huber`` ``np.mean(np.sqrt(r**2 + EPS))``, gradient ``r / np.sqrt(r**2 + EPS) / N``
``norm_sq``      ``0.5 * np.linalg.norm(r)**2 / m`` (the Frobenius norm of the residual matrix)
``rms``          ``np.linalg.norm(r) / np.sqrt(N)``
``float_huber``  ``float(...)`` of the Huber loss
``real_mse``     ``np.sum(r * r).real / N`` (a ``.real`` left over from complex code)

``np.abs`` of a complex number is its modulus, so the complex step through these
losses reads 0 or a wrong value without a warning; ``np.linalg.norm`` takes the
modulus too; ``float()`` and ``.real`` drop the imaginary part.

The oracle (:func:`oracle`) is mpmath at 50 digits: the same network and loss
differentiated by backprop with mpmath's functions, written here from the
formulas, never from the user's code or this project's. A configuration whose
kink arguments (a ReLU pre-activation, an L1 or hinge residual, a Huber
residual at ``|r| = d``) lie within reach of a finite-difference step is marked
``near`` and counted apart (:func:`kink_reach`): the loss is not differentiable
within a step there and a checker may rightly say ``kink`` or ``inconclusive``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from mlpclosures import closures

HIDDEN = ("sigmoid", "tanh", "relu")
LOSSES = (
    "huber",
    "smooth_l1",
    "l1",
    "hinge",
    "logcosh",
    "pseudo_huber",
    "norm_sq",
    "rms",
    "float_huber",
    "real_mse",
)
#: the pseudo-Huber's smoothing constant, as people write it
EPS = 1e-6
DIGITS = 50
#: Keep the 50-digit oracle under a few seconds: batch x weights at most this.
MP_BUDGET = 60_000


@dataclass(frozen=True)
class AbsForm:
    """One configuration (a pure description)."""

    sizes: tuple[int, ...]
    hidden: str
    loss: str
    dtype: str
    batch: int
    scale: float
    delta: float
    spread: float
    zero_bias: bool
    seed: int

    @property
    def label(self) -> str:
        return (
            f"{'-'.join(map(str, self.sizes))} {self.hidden}|{self.loss} d{self.delta:g} y{self.spread:g}"
            f"{' b=0' if self.zero_bias else ''} {self.dtype} N={self.batch} w{self.scale:.2g}"
        )

    @property
    def key(self) -> str:
        return f"{self.loss} {self.dtype}"

    @property
    def n_params(self) -> int:
        return sum(a * b + b for a, b in zip(self.sizes, self.sizes[1:]))


def random_form(i: int) -> AbsForm:
    """Configuration number ``i`` (deterministic)."""
    rng = np.random.default_rng(90_000 + i)
    depth = int(rng.integers(1, 4))
    batch = int(rng.choice([1, 2, 4, 8, 16, 32, 64]))
    while True:
        sizes = (int(rng.integers(1, 9)), *(int(rng.integers(1, 33)) for _ in range(depth)), int(rng.integers(1, 4)))
        if batch * sum(a * b for a, b in zip(sizes, sizes[1:])) <= MP_BUDGET:
            break
    return AbsForm(
        sizes=sizes,
        hidden=str(rng.choice(HIDDEN)),
        loss=str(rng.choice(LOSSES)),
        dtype="float32" if rng.random() < 0.25 else "float64",
        batch=batch,
        scale=float(10 ** rng.uniform(-3, 1)),
        delta=float(rng.choice([0.1, 0.5, 1.0, 2.0])),
        spread=float(rng.choice([0.1, 1.0, 3.0])),
        zero_bias=bool(rng.random() < 0.3),
        seed=90_000 + i,
    )


def data(form: AbsForm):
    """``(params, X, Y)`` in the form's dtype."""
    rng = np.random.default_rng(form.seed)
    dt = np.dtype(form.dtype)
    X = rng.standard_normal((form.batch, form.sizes[0]))
    params = {}
    for k, (a, b) in enumerate(zip(form.sizes, form.sizes[1:]), start=1):
        params[f"W{k}"] = (rng.standard_normal((a, b)) * form.scale).astype(dt)
        params[f"b{k}"] = (0.1 * form.scale * rng.standard_normal(b) * (not form.zero_bias)).astype(dt)
    if form.loss == "hinge":
        Y = np.where(rng.random((form.batch, form.sizes[-1])) < 0.5, -1.0, 1.0)
    else:  # residuals in both branches of a Huber loss
        Y = rng.standard_normal((form.batch, form.sizes[-1])) * max(1.0, form.delta)
    return params, X.astype(dt), Y.astype(dt)


def _act(name, z):
    if name == "relu":
        return np.maximum(0, z)
    if name == "tanh":
        return np.tanh(z)
    return 1 / (1 + np.exp(-z))


def _prime(name, z, a):
    if name == "relu":
        return (z > 0).astype(z.dtype)
    if name == "tanh":
        return 1 - a**2
    return a * (1 - a)


def _huber(r, d):
    return np.mean(np.where(np.abs(r) <= d, 0.5 * r**2, d * (np.abs(r) - 0.5 * d)))


def user_loss(name, out, Y, d):
    """The loss as written by its user."""
    r = out - Y
    if name == "huber":
        return _huber(r, d)
    if name == "smooth_l1":
        return np.mean(np.where(np.abs(r) < d, 0.5 * r**2 / d, np.abs(r) - 0.5 * d))
    if name == "l1":
        return np.abs(out - Y).mean()
    if name == "hinge":
        return np.maximum(0, 1 - Y * out).mean()
    if name == "logcosh":
        return np.mean(np.log(np.cosh(r)))
    if name == "pseudo_huber":
        return np.mean(np.sqrt(r**2 + EPS))
    if name == "norm_sq":
        return 0.5 * np.linalg.norm(r) ** 2 / len(r)
    if name == "rms":
        return np.linalg.norm(r) / np.sqrt(r.size)
    if name == "float_huber":
        return float(_huber(r, d))
    return np.sum(r * r).real / r.size  # real_mse


def user_delta(name, out, Y, d):
    """dL/d(out), derived by hand as its user would."""
    r, n = out - Y, out.size
    if name in ("huber", "float_huber"):
        return np.where(np.abs(r) <= d, r, d * np.sign(r)) / n
    if name == "smooth_l1":
        return np.where(np.abs(r) < d, r / d, np.sign(r)) / n
    if name == "l1":
        return np.sign(r) / n
    if name == "hinge":
        return -Y * (1 - Y * out > 0) / n
    if name == "logcosh":
        return np.tanh(r) / n
    if name == "pseudo_huber":
        return r / np.sqrt(r**2 + EPS) / n
    if name == "norm_sq":
        return r / len(r)
    if name == "rms":
        return r / (np.linalg.norm(r) * np.sqrt(n))
    return 2 * r / n  # real_mse


def build(form: AbsForm):
    """``(loss, grad, params)`` as a user hands them to a checker."""
    params, X, Y = data(form)
    loss, grad = closures(
        params,
        X,
        lambda z: _act(form.hidden, z),
        lambda z: _prime(form.hidden, z, _act(form.hidden, z)),
        lambda out: user_loss(form.loss, out, Y, form.delta),
        lambda out: user_delta(form.loss, out, Y, form.delta),
    )
    return loss, grad, params


def plant(grad, name: str = "", index=(), factor: float = 1.0, whole: float | None = None):
    """``grad`` with one entry multiplied by ``factor``, or every entry by ``whole`` (a missing 1/N)."""

    def bad(p):
        g = {k: np.array(v, copy=True) for k, v in grad(p).items()}
        if whole is not None:
            return {k: v * v.dtype.type(whole) for k, v in g.items()}
        g[name][index] = g[name][index] * factor
        return g

    return bad


# ------------------------------------------------------------------ kinks within a step
def kink_reach(form: AbsForm, params, X, Y, rel_step: float) -> float:
    """The smallest distance of a kink argument to its kink, over how far one entry's step can move it.

    A step of ``rel_step * max(1, |t|)`` on one entry moves the pre-activations
    of its layer by at most the step times the largest input of the sample (or
    1 for a bias), and each layer above by at most the largest ``|W|`` into a
    unit times the activation's largest slope times that. Below 1, some entry's
    finite-difference step crosses a kink.
    """
    slope = {"relu": 1.0, "tanh": 1.0, "sigmoid": 0.25}[form.hidden]
    layers = len(form.sizes) - 1
    a = X.astype(np.float64)
    reach = np.zeros((form.batch, form.sizes[0]))
    worst = np.inf
    for k in range(1, layers + 1):
        W, b = params[f"W{k}"].astype(np.float64), params[f"b{k}"].astype(np.float64)
        h = rel_step * max(1.0, float(np.max(np.abs(W))), float(np.max(np.abs(b))))
        own = h * np.maximum(1.0, np.max(np.abs(a), axis=1, initial=0.0))[:, None]
        below = np.max(np.abs(W)[None, :, :] * reach[:, :, None], axis=1, initial=0.0)
        moved = np.maximum(own, below)
        z = a @ W + b
        if k < layers:
            if form.hidden == "relu":
                worst = min(worst, float(np.min(np.abs(z) / moved)))
            reach = moved * slope
            a = _act(form.hidden, z)
        else:
            out = z
            reach = moved
    args = {
        "huber": np.abs(out - Y) - form.delta,
        "float_huber": np.abs(out - Y) - form.delta,
        "smooth_l1": np.abs(out - Y) - form.delta,
        "l1": out - Y,
        "hinge": 1 - Y * out,
    }.get(form.loss)
    if args is not None:
        worst = min(worst, float(np.min(np.abs(args) / (reach * (np.abs(Y) if form.loss == "hinge" else 1.0)))))
    return worst


# ------------------------------------------------------------------ the oracle
def _mp():
    import mpmath

    return mpmath


def _mp_array(a):
    mp = _mp()
    # every float32 or float64 value is a dyadic rational: mpf holds it exactly
    return np.asarray(np.frompyfunc(lambda v: mp.mpf(float(v)), 1, 1)(np.asarray(a)), dtype=object)


def _mp_head(form: AbsForm, out, Y):
    """``(loss, dL/dout)`` in 50 digits, from the formulas."""
    mp = _mp()
    f = np.frompyfunc
    r = out - Y
    n = r.size
    d = mp.mpf(form.delta)
    sign = f(lambda v: mp.mpf(1) if v > 0 else (mp.mpf(-1) if v < 0 else mp.mpf(0)), 1, 1)
    absr = f(abs, 1, 1)(r)
    if form.loss in ("huber", "float_huber", "smooth_l1"):
        inner = f(lambda v: v <= d if form.loss != "smooth_l1" else v < d, 1, 1)(absr).astype(bool)
        if form.loss == "smooth_l1":
            return np.where(inner, r * r / (2 * d), absr - d / 2).sum() / n, np.where(inner, r / d, sign(r)) / n
        return np.where(inner, r * r / 2, d * (absr - d / 2)).sum() / n, np.where(inner, r, d * sign(r)) / n
    if form.loss == "l1":
        return absr.sum() / n, sign(r) / n
    if form.loss == "hinge":
        m = 1 - Y * out
        on = f(lambda v: v > 0, 1, 1)(m).astype(bool)
        return np.where(on, m, 0 * m).sum() / n, np.where(on, -Y, 0 * Y) / n
    if form.loss == "logcosh":
        return f(lambda v: mp.log(mp.cosh(v)), 1, 1)(r).sum() / n, f(mp.tanh, 1, 1)(r) / n
    if form.loss == "pseudo_huber":
        s = f(lambda v: mp.sqrt(v * v + mp.mpf(EPS)), 1, 1)(r)
        return s.sum() / n, r / s / n
    total = (r * r).sum()
    if form.loss == "norm_sq":
        return total / (2 * len(r)), r / len(r)
    if form.loss == "rms":
        norm = mp.sqrt(total)
        return norm / mp.sqrt(n), r / (norm * mp.sqrt(n))
    return total / n, 2 * r / n  # real_mse


def oracle(form: AbsForm) -> dict:
    """The exact gradient of ``form``'s loss at its point (float64 arrays)."""
    mp = _mp()
    params, X, Y = data(form)
    f = np.frompyfunc
    with mp.workdps(DIGITS):
        P = {k: _mp_array(v) for k, v in params.items()}
        a, cache = _mp_array(X), []
        layers = len(form.sizes) - 1
        for k in range(1, layers + 1):
            z = np.dot(a, P[f"W{k}"]) + P[f"b{k}"]
            cache.append((a, z))
            if k < layers:
                if form.hidden == "relu":
                    a = f(lambda v: v if v > 0 else 0 * v, 1, 1)(z)
                elif form.hidden == "tanh":
                    a = f(mp.tanh, 1, 1)(z)
                else:
                    a = f(lambda v: 1 / (1 + mp.exp(-v)), 1, 1)(z)
            else:
                a = z
        _, dz = _mp_head(form, a, _mp_array(Y))
        g = {}
        for k in range(layers, 0, -1):
            a_prev = cache[k - 1][0]
            g[f"W{k}"], g[f"b{k}"] = np.dot(a_prev.T, dz), dz.sum(axis=0)
            if k > 1:
                z = cache[k - 2][1]
                if form.hidden == "relu":
                    prime = f(lambda v: 1 if v > 0 else 0, 1, 1)(z)
                elif form.hidden == "tanh":
                    prime = f(lambda v: 1 / mp.cosh(v) ** 2, 1, 1)(z)
                else:
                    prime = f(lambda v: 1 / ((1 + mp.exp(-v)) * (1 + mp.exp(v))), 1, 1)(z)
                dz = np.dot(dz, P[f"W{k}"].T) * prime
        return {k: np.asarray(v, dtype=object).astype(np.float64).reshape(params[k].shape) for k, v in g.items()}


def correct(form: AbsForm, g: dict, truth: dict) -> bool:
    """The user's gradient equals the exact one to the dtype's rounding (tensor by tensor)."""
    tol = 1e-3 if form.dtype == "float32" else 1e-8
    # a tensor whose exact value cancels to 0 (a hinge's last bias, as many +1 as -1 labels) keeps the
    # rounding of its terms: 1000 ulps of the gradient's largest entry
    top = max(float(np.max(np.abs(t), initial=0.0)) for t in truth.values())
    floor = 1e3 * float(np.finfo(np.dtype(form.dtype)).eps) * top
    for name, t in truth.items():
        top = float(np.max(np.abs(t), initial=0.0))
        if np.max(np.abs(np.asarray(g[name], np.float64) - t), initial=0.0) > tol * top + floor:
            return False
    return True
