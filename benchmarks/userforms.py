"""Nets and losses written the way people write them, with an independent oracle.

Nothing here imports ``reference_nets`` or ``gradcheck``: these are the forms a
student or an engineer types into a notebook, and the ground truth comes from
arbitrary precision (mpmath, 50 digits) or, for nets too large for it, from the
same mathematics evaluated in ``np.longdouble`` with the numerically stable forms
(``1 - sigmoid(z)`` computed as ``sigmoid(-z)``).

The forms
---------
hidden layers
    ``sigmoid`` as ``1 / (1 + np.exp(-z))`` with derivative ``a * (1 - a)``;
    ``tanh`` with ``1 - a**2``; ``relu`` as ``np.maximum(0, z)`` with ``(z > 0)``.
heads (output + loss)
    ``bce_clip``: ``p = 1/(1+np.exp(-z))``, ``np.clip(p, eps, 1 - eps)``, textbook
    ``-np.mean(y*np.log(p) + (1-y)*np.log(1-p))``, gradient ``(p - y) / m``
    (exact wherever the clip is inactive);
    ``bce_eps``: ``np.log(p + 1e-8)`` and ``np.log(1 - p + 1e-8)``, gradient by
    the chain rule through ``p`` (exact for that loss);
    ``tanh_mse``: tanh output, ``np.mean((a - y)**2)``;
    ``mse``: identity output, ``0.5 * np.sum((z - y)**2) / m``;
    ``softmax_ce``: probabilities (max subtracted) then ``-np.log(p[range(m), y])``.
the rest
    the loss returned through ``float(...)`` or as a numpy scalar; float32 or
    float64 parameters and data; batch 1 to 256; 1 to 3 hidden layers of width
    1 to 256; weights tiny (1e-3) to large (10), saturated outputs (|z| 9 to 25).

``random_form(i)`` is a pure function of ``i``. ``build(form)`` returns
``(loss, grad, params)`` as a user would hand them to a checker;
``oracle(form)`` the exact gradient (rounded to float64) with what it knows
about the point: whether the clip is active (then the user's gradient is not
the loss's), and how close the nearest ReLU unit is to its kink.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np

HIDDEN = ("sigmoid", "tanh", "relu")
HEADS = ("bce_clip", "bce_eps", "tanh_mse", "mse", "softmax_ce")
#: ``np.clip`` bounds people use: scikit-learn's ``log_loss`` 1e-15 (float64), Keras's epsilon 1e-7 (float32).
CLIP = {"float64": 1e-15, "float32": 1e-7}
#: The ``log(p + 1e-8)`` guard.
LOG_EPS = 1e-8
#: Above this many scalar multiplications in one forward pass the oracle runs in
#: ``np.longdouble`` instead of mpmath (a forward+backward in mpmath costs ~15 us per
#: multiplication, 0.03 s at this size; the longdouble oracle, in the stable forms
#: ``sigmoid(-z)`` and ``1 / cosh(z)**2``, agrees with it to the float64 rounding of
#: its result on every configuration compared: tests/test_userforms.py).
MP_BUDGET = 2_000
#: Digits of the mpmath oracle.
MP_DIGITS = 50


@dataclass(frozen=True)
class Form:
    """One user-form configuration (a pure description; :func:`build` makes it)."""

    sizes: tuple[int, ...]
    hidden: tuple[str, ...]
    head: str
    cast: bool
    dtype: str
    batch: int
    scale: float
    saturate: float
    seed: int

    @property
    def label(self) -> str:
        act = ",".join(self.hidden)
        cast = " float()" if self.cast else ""
        sat = f" sat{self.saturate:g}" if self.saturate else ""
        sizes = "-".join(map(str, self.sizes))
        return f"{sizes} {act}|{self.head}{cast} {self.dtype} N={self.batch} w{self.scale:.2g}{sat}"

    @property
    def n_params(self) -> int:
        return sum(a * b + b for a, b in zip(self.sizes, self.sizes[1:]))


def random_form(i: int) -> Form:
    """User-form configuration number ``i`` (deterministic)."""
    rng = np.random.default_rng(90_000 + i)
    depth = int(rng.integers(1, 4))
    # widths 1 to 256, most of them small (a log-uniform draw)
    widths = tuple(int(round(2 ** rng.uniform(0, 8))) for _ in range(depth))
    head = str(rng.choice(HEADS))
    n_out = 1 if head in ("bce_clip", "bce_eps") and rng.random() < 0.6 else int(rng.integers(1, 5))
    if head == "softmax_ce":
        n_out = max(n_out, 2)
    sizes = (int(rng.integers(1, 17)), *widths, n_out)
    hidden = tuple(str(a) for a in rng.choice(HIDDEN, size=depth))
    dtype = "float32" if rng.random() < 0.25 else "float64"
    batch = int(rng.choice([1, 2, 3, 8, 16, 32, 64, 128, 256]))
    scale = float(10 ** rng.uniform(-3, 1))
    saturate = float(rng.uniform(9, 25)) if head in ("bce_clip", "bce_eps", "tanh_mse") and rng.random() < 0.3 else 0.0
    if dtype == "float32" and head == "bce_clip":
        saturate = min(saturate, 12.0)  # Keras's 1e-7 clip bites from |z| ~ 16 in float32
    return Form(sizes, hidden, head, bool(rng.random() < 0.5), dtype, batch, scale, saturate, 90_000 + i)


#: The benchmark sizes (parameters -> layer sizes), as in benchmarks/peers.py.
BENCH_SIZES = {59: (8, 3, 8), 337: (2, 16, 16, 1), 42_634: (64, 128, 128, 128, 10), 335_114: (784, 256, 256, 256, 10)}


def large_form(n_params: int, *, cast: bool = True, dtype: str = "float64") -> Form:
    """The benchmark nets in user form: tanh, batch 64, BCE with clip, ``float()``; saturated outputs when wide.

    Hidden layers are scaled ``1/sqrt(fan_in)``, the output layer is not, so
    the logits of the wide nets reach 9 to 25 and ``log(1 - p)`` cancels.
    """
    sizes = BENCH_SIZES[n_params]
    return Form(sizes, ("tanh",) * (len(sizes) - 2), "bce_clip", cast, dtype, 64, 0.0, 0.0, n_params)


# ------------------------------------------------------------------ the data
def data(form: Form) -> tuple[dict[str, np.ndarray], np.ndarray, np.ndarray]:
    """Parameters, inputs and targets of ``form`` in its dtype."""
    rng = np.random.default_rng(form.seed)
    dt = np.dtype(form.dtype)
    X = rng.standard_normal((form.batch, form.sizes[0]))
    params = {}
    layers = len(form.sizes) - 1
    for k, (a, b) in enumerate(zip(form.sizes, form.sizes[1:]), start=1):
        if form.scale:
            W = rng.standard_normal((a, b)) * form.scale
        else:  # the large nets: 1/sqrt(fan_in) hidden layers; an output layer without it, so logits reach 9-25
            W = rng.standard_normal((a, b)) / (1.0 if k == layers else math.sqrt(a))
        params[f"W{k}"] = W.astype(dt)
        params[f"b{k}"] = (0.1 * rng.standard_normal(b)).astype(dt)
    if form.saturate:  # push every output towards a saturated logit of that size, either sign
        push = form.saturate * np.sign(rng.standard_normal(form.sizes[-1]))
        params[f"b{layers}"] = (params[f"b{layers}"] + push).astype(dt)
    n_out = form.sizes[-1]
    if form.head in ("bce_clip", "bce_eps"):
        Y = (rng.random((form.batch, n_out)) < 0.5).astype(dt)
    elif form.head == "softmax_ce":
        Y = rng.integers(0, n_out, size=form.batch)
    elif form.head == "tanh_mse":
        Y = rng.uniform(-0.9, 0.9, (form.batch, n_out)).astype(dt)
    else:
        Y = rng.standard_normal((form.batch, n_out)).astype(dt)
    return params, X.astype(dt), Y


# ------------------------------------------------------------ as users write
def _act(name: str, z):
    if name == "sigmoid":
        return 1 / (1 + np.exp(-z))
    if name == "tanh":
        return np.tanh(z)
    return np.maximum(0, z)


def _act_prime(name: str, z, a):
    if name == "sigmoid":
        return a * (1 - a)
    if name == "tanh":
        return 1 - a**2
    return (z > 0).astype(a.dtype)


def build(form: Form, bug: str | None = None):
    """``(loss, grad, params)``: a numpy MLP and its hand-written backprop, closures over a fixed batch.

    ``bug="derivative_at_activation"`` writes layer 1's derivative at the
    activation (``1 - tanh(a)**2``), the classic slip, for benchmarks.
    """
    params, X, Y = data(form)
    clip = CLIP[form.dtype]
    layers = len(form.sizes) - 1
    m = X.shape[0]

    def forward(p):
        a, cache = X, []
        for k in range(1, layers + 1):
            z = a @ p[f"W{k}"] + p[f"b{k}"]
            cache.append((a, z))
            a = _act(form.hidden[k - 1], z) if k < layers else z
        return a, cache

    def head_loss(z):
        if form.head == "bce_clip":
            p = 1 / (1 + np.exp(-z))
            p = np.clip(p, clip, 1 - clip)
            return -np.mean(Y * np.log(p) + (1 - Y) * np.log(1 - p))
        if form.head == "bce_eps":
            p = 1 / (1 + np.exp(-z))
            return -np.sum(Y * np.log(p + LOG_EPS) + (1 - Y) * np.log(1 - p + LOG_EPS)) / m
        if form.head == "tanh_mse":
            return np.mean((np.tanh(z) - Y) ** 2)
        if form.head == "mse":
            return 0.5 * np.sum((z - Y) ** 2) / m
        e = np.exp(z - np.max(z, axis=1, keepdims=True))
        probs = e / np.sum(e, axis=1, keepdims=True)
        return -np.mean(np.log(probs[np.arange(m), Y]))

    def head_delta(z):
        if form.head == "bce_clip":
            return (1 / (1 + np.exp(-z)) - Y) / Y.size
        if form.head == "bce_eps":
            p = 1 / (1 + np.exp(-z))
            dp = -(Y / (p + LOG_EPS) - (1 - Y) / (1 - p + LOG_EPS)) / m
            return dp * p * (1 - p)
        if form.head == "tanh_mse":
            a = np.tanh(z)
            return 2 * (a - Y) / Y.size * (1 - a**2)
        if form.head == "mse":
            return (z - Y) / m
        e = np.exp(z - np.max(z, axis=1, keepdims=True))
        probs = e / np.sum(e, axis=1, keepdims=True)
        probs[np.arange(m), Y] -= 1
        return probs / m

    def loss(p):
        z, _ = forward(p)
        value = head_loss(z)
        return float(value) if form.cast else value

    def grad(p):
        z, cache = forward(p)
        dz = head_delta(z)
        out = {}
        for k in range(layers, 0, -1):
            a_prev, _ = cache[k - 1]
            out[f"W{k}"] = a_prev.T @ dz
            out[f"b{k}"] = dz.sum(axis=0)
            if k > 1:
                z_prev = cache[k - 2][1]
                a = _act(form.hidden[k - 2], z_prev)
                if bug == "derivative_at_activation" and k == 2:
                    z_prev, a = a, _act(form.hidden[0], a)
                dz = (dz @ p[f"W{k}"].T) * _act_prime(form.hidden[k - 2], z_prev, a)
        return {name: out[name] for name in params}

    return loss, grad, params


def plant(grad, name: str, index: tuple[int, ...], relative: float):
    """``grad`` with entry ``index`` of ``name`` multiplied by ``1 + relative``."""

    def bad(p):
        g = {k: np.array(v, copy=True) for k, v in grad(p).items()}
        g[name][index] *= 1 + relative
        return g

    return bad


# ------------------------------------------------------------------ the oracle
@dataclass(frozen=True)
class Truth:
    """The exact gradient at a form's point, and what the oracle saw there.

    Attributes
    ----------
    grad : dict of ndarray
        The exact gradient of the loss as written, rounded to float64.
    loss : float
        The exact loss.
    clipped : int
        Samples x outputs where ``np.clip`` is active (``bce_clip``): there the
        user's ``(p - y) / m`` is not the loss's derivative.
    kink_margin : float
        Smallest ``|z|`` of a ReLU unit over the batch, relative to its
        layer's largest (``inf`` without ReLU): at 0 the unit sits on its kink.
    digits : int
        Precision of the oracle (50 for mpmath, 19 for longdouble).
    max_logit : float
        Largest ``|z|`` at the output.
    """

    grad: dict
    loss: float
    clipped: int
    kink_margin: float
    digits: int
    max_logit: float


def _cost(form: Form) -> int:
    return form.batch * sum(a * b for a, b in zip(form.sizes, form.sizes[1:]))


def oracle(form: Form, params: dict | None = None) -> Truth:
    """Exact gradient of ``form``'s loss at its point (or at ``params``), independent of the user's code."""
    p0, X, Y = data(form)
    params = p0 if params is None else params
    if _cost(form) <= MP_BUDGET:
        return _mp_oracle(form, params, X, Y)
    return _ld_oracle(form, params, X, Y)


class _Ops:
    """Elementwise maths for the oracle: mpmath (object arrays) or np.longdouble."""

    def __init__(self, mp):
        self.mp = mp
        if mp is None:
            self.exp, self.log, self.tanh, self.cosh = np.exp, np.log, np.tanh, np.cosh
        else:
            self.exp, self.log, self.tanh, self.cosh = (
                np.frompyfunc(f, 1, 1) for f in (mp.exp, mp.log, mp.tanh, mp.cosh)
            )

    def dtanh(self, z):
        """``1 - tanh(z)**2`` as ``1 / cosh(z)**2``: no cancellation where ``tanh(z)`` is within rounding of 1."""
        c = self.cosh(z)
        return 1 / (c * c)

    def array(self, a):
        a = np.asarray(a)
        if self.mp is None:
            return a.astype(np.longdouble)
        # every float32 or float64 value is a dyadic rational: mpf holds it exactly
        return np.asarray(np.frompyfunc(lambda v: self.mp.mpf(float(v)), 1, 1)(a), dtype=object)

    def sigmoid(self, z):
        return 1 / (1 + self.exp(-z))

    def to_float(self, a) -> np.ndarray:
        return np.asarray(a, dtype=object if self.mp else np.longdouble).astype(np.float64)


def _mp_oracle(form, params, X, Y) -> Truth:
    import mpmath

    with mpmath.workdps(MP_DIGITS):
        return _exact(form, params, X, Y, _Ops(mpmath), MP_DIGITS)


def _ld_oracle(form, params, X, Y) -> Truth:
    digits = int(-np.log10(float(np.finfo(np.longdouble).eps)))
    return _exact(form, params, X, Y, _Ops(None), digits)


def _exact(form: Form, params, X, Y, ops: _Ops, digits: int) -> Truth:
    layers = len(form.sizes) - 1
    P = {k: ops.array(v) for k, v in params.items()}
    a, acts, zs = ops.array(X), [], []
    margin = math.inf
    for k in range(1, layers + 1):
        z = np.dot(a, P[f"W{k}"]) + P[f"b{k}"]
        acts.append(a)
        zs.append(z)
        if k < layers:
            name = form.hidden[k - 1]
            if name == "relu":
                az = np.abs(ops.to_float(z))
                top = float(np.max(az)) if az.size else 0.0
                margin = min(margin, float(np.min(az)) / top if top > 0 else 0.0)
                a = z * (ops.to_float(z) > 0).astype(np.float64)
            elif name == "tanh":
                a = ops.tanh(z)
            else:
                a = ops.sigmoid(z)
    loss, dz, clipped = _head(form, zs[-1], Y, ops)
    grads = {}
    for k in range(layers, 0, -1):
        grads[f"W{k}"] = np.dot(acts[k - 1].T, dz)
        grads[f"b{k}"] = dz.sum(axis=0)
        if k > 1:
            z = zs[k - 2]
            name = form.hidden[k - 2]
            if name == "relu":
                prime = (ops.to_float(z) > 0).astype(np.float64)
            elif name == "tanh":
                prime = ops.dtanh(z)
            else:
                s = ops.sigmoid(z)
                prime = s * ops.sigmoid(-z)
            dz = np.dot(dz, P[f"W{k}"].T) * prime
    out = {name: ops.to_float(grads[name]).reshape(params[name].shape) for name in params}
    top = float(np.max(np.abs(ops.to_float(zs[-1]))))
    return Truth(out, float(ops.to_float(np.asarray(loss))), clipped, margin, digits, top)


def _head(form: Form, z, Y, ops: _Ops):
    """``(loss, dL/dz, clipped count)`` in exact arithmetic (stable complements)."""
    m = z.shape[0]
    if form.head in ("bce_clip", "bce_eps"):
        p, q = ops.sigmoid(z), ops.sigmoid(-z)  # q = 1 - p without cancellation
        Yx = ops.array(Y)
        if form.head == "bce_clip":
            c = CLIP[form.dtype]
            low = ops.to_float(p) < c
            high = ops.to_float(q) < c
            clipped = int(np.sum(low | high))
            loss = -np.sum(Yx * ops.log(p) + (1 - Yx) * ops.log(q)) / Y.size
            dz = (p - Yx) / Y.size
            dz = np.where(low | high, 0 * dz, dz)
            return loss, dz, clipped
        eps = ops.array(LOG_EPS)
        loss = -np.sum(Yx * ops.log(p + eps) + (1 - Yx) * ops.log(q + eps)) / m
        dp = -(Yx / (p + eps) - (1 - Yx) / (q + eps)) / m
        return loss, dp * p * q, 0
    if form.head == "tanh_mse":
        Yx = ops.array(Y)
        a = ops.tanh(z)
        return np.sum((a - Yx) ** 2) / Y.size, 2 * (a - Yx) * ops.dtanh(z) / Y.size, 0
    if form.head == "mse":
        Yx = ops.array(Y)
        return np.sum((z - Yx) ** 2) / (2 * m), (z - Yx) / m, 0
    # softmax cross-entropy: log-sum-exp, exact at any precision
    e = ops.exp(z)
    total = e.sum(axis=1, keepdims=True)
    probs = e / total
    loss = -np.sum(ops.log(probs[np.arange(m), Y])) / m
    onehot = np.zeros(z.shape)
    onehot[np.arange(m), Y] = 1.0
    return loss, (probs - ops.array(onehot)) / m, 0


def correct_by_construction(form: Form, truth: Truth) -> bool:
    """The user's gradient is the exact derivative of the user's loss at this point.

    False where ``np.clip`` is active (the shortcut ``(p - y)/m`` ignores it) or
    a ReLU unit sits closer to its kink than float rounding can place it (the
    float mask may differ from the exact one).
    """
    return truth.clipped == 0 and truth.kink_margin > 1e-12


def with_params(form: Form, **changes) -> Form:
    """``form`` with fields replaced (a convenience for tests)."""
    return replace(form, **changes)
