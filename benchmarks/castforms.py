"""Look-alike nets whose loss is returned through a float32 cast, with an independent np.longdouble oracle.

Each configuration is a small MLP written the way people write one: a hidden
layer (or two) of tanh, ReLU, leaky ReLU, softplus, GELU (tanh form) or
sigmoid; a loss among MSE, Huber (``np.where(np.abs(r) <= d, ...)``), MAE
(``np.sign`` derivative), BCE from logits (``np.maximum(z, 0) - z*y +
np.log1p(np.exp(-np.abs(z)))`` and ``np.logaddexp(0, z) - y*z``), BCE from
probabilities guarded by ``+ eps``, ``np.clip`` (1e-7, or ``np.finfo(np.float32).eps``) or
``np.maximum(p, eps)`` (the gradient takes the ``p - y`` shortcut),
softmax cross-entropy through a shifted log-sum-exp, and log-cosh; float64
parameters, or float32 parameters with float64 data; batch 1 to 64. The loss
returns its value through ``np.float32(value)``, ``value.astype(np.float32)``,
``np.asarray(value, dtype=np.float32)``, ``float32(value)`` imported from
numpy, a one-entry float32 buffer made outside it, a class's ``loss`` method
(the bound method passed), or that method reached through a lambda. Backward
passes are hand-written.

The oracle is independent of gradcheck: the same forward with no cast,
evaluated at the parameters cast to ``np.longdouble`` and differenced
centrally per entry at two steps (2**-20 and 2**-22 of ``max(1, |t|)``); where
those two disagree beyond 1e-9 of the gradient's largest entry a kink is within
reach of the step, and the configuration is marked ``kinked`` (not judged).
"""

from __future__ import annotations

import dataclasses

import numpy as np
from numpy import float32 as imported_float32

LOSSES = (
    "mse",
    "huber",
    "mae",
    "bce_max",
    "bce_logaddexp",
    "bce_eps",
    "bce_clip",
    "bce_finfo",
    "bce_floor",
    "ce_lse",
    "logcosh",
)
ACTS = ("tanh", "relu", "leaky", "softplus", "gelu", "sigmoid")
CASTS = ("np.float32", "astype", "asarray", "imported", "buffer", "method", "method_lambda")
BATCHES = (1, 2, 3, 4, 8, 16, 32, 64)
HUBER_DELTA = 1.0
#: The probability BCE's guard inside its logarithms (its gradient is still written as ``p - y``).
BCE_EPS = 1e-12
GELU_C = np.sqrt(2.0 / np.pi)


@dataclasses.dataclass(frozen=True)
class Config:
    index: int
    loss: str
    act: str
    cast: str
    dtype: str  # "float64" or "mixed" (float32 parameters, float64 data)
    batch: int
    sizes: tuple[int, ...]
    scale: float
    seed: int

    @property
    def label(self) -> str:
        shape = "-".join(map(str, self.sizes))
        return f"{self.index}: {self.loss} {self.act} {shape} N={self.batch} {self.dtype} via {self.cast}"


def draw(count: int, seed: int = 0) -> list[Config]:
    """``count`` configurations, every loss form, activation and cast cycled through, the rest drawn."""
    rng = np.random.default_rng(seed)
    out = []
    for i in range(count):
        loss, act, cast = LOSSES[i % len(LOSSES)], ACTS[(i // len(LOSSES)) % len(ACTS)], CASTS[i % len(CASTS)]
        outputs = 3 if loss == "ce_lse" else int(rng.integers(1, 3)) if loss in ("mse", "huber", "logcosh") else 1
        hidden = tuple(int(rng.integers(1, 13)) for _ in range(int(rng.integers(1, 3))))
        sizes = (int(rng.integers(1, 6)), *hidden, outputs)
        out.append(
            Config(
                i,
                loss,
                act,
                cast,
                "mixed" if rng.random() < 0.3 else "float64",
                int(rng.choice(BATCHES)),
                sizes,
                float(rng.choice([0.3, 0.7, 1.0, 1.5])),
                int(rng.integers(0, 2**31)),
            )
        )
    return out


def activation(kind: str, a):
    """The hidden activation and its derivative (given the pre-activation and the activation)."""
    if kind == "tanh":
        h = np.tanh(a)
        return h, 1 - h**2
    if kind == "relu":
        return np.maximum(a, 0), (a > 0) * 1.0
    if kind == "leaky":
        return np.where(a > 0, a, 0.01 * a), np.where(a > 0, 1.0, 0.01)
    if kind == "softplus":
        s = 1 / (1 + np.exp(-a))
        return np.log1p(np.exp(a)), s
    if kind == "gelu":
        u = GELU_C * (a + 0.044715 * a**3)
        t = np.tanh(u)
        return 0.5 * a * (1 + t), 0.5 * (1 + t) + 0.5 * a * (1 - t**2) * GELU_C * (1 + 3 * 0.044715 * a**2)
    s = 1 / (1 + np.exp(-a))
    return s, s * (1 - s)


def loss_value(kind: str, z, y):
    """The loss of outputs ``z`` against targets ``y`` (mean over everything, as written by hand)."""
    n = z.shape[0]
    if kind in ("mse", "huber", "mae", "logcosh"):
        r = z - y
        if kind == "mse":
            return np.mean(r**2)
        if kind == "huber":
            d = HUBER_DELTA
            return np.mean(np.where(np.abs(r) <= d, 0.5 * r**2, d * (np.abs(r) - 0.5 * d)))
        if kind == "mae":
            return np.mean(np.abs(r))
        return np.mean(np.log(np.cosh(r)))
    if kind == "bce_max":
        return np.mean(np.maximum(z, 0) - z * y + np.log1p(np.exp(-np.abs(z))))
    if kind == "bce_logaddexp":
        return np.mean(np.logaddexp(0, z) - y * z)
    if kind.startswith("bce_"):
        p = 1 / (1 + np.exp(-z))
        if kind in ("bce_clip", "bce_finfo"):
            eps = 1e-7 if kind == "bce_clip" else np.finfo(np.float32).eps
            p = np.clip(p, eps, 1 - eps)
            return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))
        if kind == "bce_floor":
            return -np.mean(y * np.log(np.maximum(p, BCE_EPS)) + (1 - y) * np.log(np.maximum(1 - p, BCE_EPS)))
        return -np.mean(y * np.log(p + BCE_EPS) + (1 - y) * np.log(1 - p + BCE_EPS))
    m = np.max(z.real, axis=1, keepdims=True)  # (the shift: any constant)
    lse = m + np.log(np.sum(np.exp(z - m), axis=1, keepdims=True))
    return np.sum(lse - np.sum(z * y, axis=1, keepdims=True)) / n


def output_delta(kind: str, z, y):
    """dL/dz, written by hand (the BCE forms take the ``p - y`` shortcut)."""
    n = z.shape[0]
    size = z.size
    if kind in ("mse", "huber", "mae", "logcosh"):
        r = z - y
        if kind == "mse":
            return 2 * r / size
        if kind == "huber":
            return np.where(np.abs(r) <= HUBER_DELTA, r, HUBER_DELTA * np.sign(r)) / size
        if kind == "mae":
            return np.sign(r) / size
        return np.tanh(r) / size
    if kind == "ce_lse":
        e = np.exp(z - np.max(z, axis=1, keepdims=True))
        return (e / np.sum(e, axis=1, keepdims=True) - y) / n
    return (1 / (1 + np.exp(-z)) - y) / n


class Net:
    """The configuration's network: data, weights, forward, the value before the cast, and backprop."""

    def __init__(self, cfg: Config):
        rng = np.random.default_rng(cfg.seed)
        self.cfg, self.act, self.kind = cfg, cfg.act, cfg.loss
        n, sizes = cfg.batch, cfg.sizes
        self.X = rng.normal(size=(n, sizes[0]))
        if cfg.loss == "ce_lse":
            self.Y = np.eye(sizes[-1])[rng.integers(0, sizes[-1], size=n)]
        elif cfg.loss.startswith("bce"):
            self.Y = rng.integers(0, 2, size=(n, 1)).astype(float)
        else:
            self.Y = 1.5 * rng.normal(size=(n, sizes[-1]))
        dtype = np.float32 if cfg.dtype == "mixed" else np.float64
        self.params = {}
        for i, (a, b) in enumerate(zip(sizes[:-1], sizes[1:]), start=1):
            self.params[f"W{i}"] = (cfg.scale * rng.normal(size=(a, b)) / np.sqrt(a)).astype(dtype)
            self.params[f"b{i}"] = (0.1 * rng.normal(size=b)).astype(dtype)

    def layers(self, p, X):
        hs, a_s, h = [X], [], X
        depth = len(self.cfg.sizes) - 1
        for i in range(1, depth + 1):
            a = h @ p[f"W{i}"] + p[f"b{i}"]
            if i < depth:
                a_s.append(a)
                h, _ = activation(self.act, a)
                hs.append(h)
            else:
                h = a
        return hs, a_s, h

    def value(self, p, X=None, Y=None):
        """The loss before any cast (the oracle evaluates it in np.longdouble)."""
        X = self.X if X is None else X
        Y = self.Y if Y is None else Y
        return loss_value(self.kind, self.layers(p, X)[2], Y)

    def grad(self, p):
        hs, a_s, z = self.layers(p, self.X)
        dz = output_delta(self.kind, z, self.Y)
        depth = len(self.cfg.sizes) - 1
        out = {}
        for i in range(depth, 0, -1):
            out[f"W{i}"], out[f"b{i}"] = hs[i - 1].T @ dz, dz.sum(0)
            if i > 1:
                _, d = activation(self.act, a_s[i - 2])
                dz = (dz @ p[f"W{i}"].T) * d
        return {k: out[k].astype(p[k].dtype) for k in p}

    def loss(self, p):  # the class form: the cast inside a method
        return np.float32(self.value(p))


def user_loss(net: Net):
    """The loss as the user returns it, through the configuration's cast."""
    cast = net.cfg.cast
    if cast == "method":
        return net.loss
    if cast == "method_lambda":
        return lambda p: net.loss(p)
    value = net.value
    if cast == "np.float32":

        def loss(p):
            return np.float32(value(p))
    elif cast == "astype":

        def loss(p):
            return value(p).astype(np.float32)
    elif cast == "asarray":

        def loss(p):
            return np.asarray(value(p), dtype=np.float32)
    elif cast == "imported":

        def loss(p):
            return imported_float32(value(p))
    else:
        buffer = np.zeros(1, dtype=np.float32)

        def loss(p):
            buffer[0] = value(p)
            return buffer[0]

    return loss


def oracle(net: Net) -> tuple[dict[str, np.ndarray], bool]:
    """The exact gradient of the value before the cast (np.longdouble central differences), and ``kinked``."""
    ld = {k: v.astype(np.longdouble) for k, v in net.params.items()}
    X, Y = net.X.astype(np.longdouble), net.Y.astype(np.longdouble)
    grads, spread = {}, 0.0
    for name, t in ld.items():
        out = [np.zeros(t.shape), np.zeros(t.shape)]
        flat = t.reshape(-1)
        for j in range(flat.size):
            base = flat[j]
            for k, power in enumerate((20, 22)):
                h = np.longdouble(2.0**-power) * max(np.longdouble(1), abs(base))
                flat[j] = base + h
                up = net.value(ld, X, Y)
                flat[j] = base - h
                down = net.value(ld, X, Y)
                flat[j] = base
                out[k].reshape(-1)[j] = float((up - down) / (2 * h))
        grads[name] = out[1]
        spread = max(spread, float(np.max(np.abs(out[0] - out[1]), initial=0.0)))
    largest = max(float(np.max(np.abs(g), initial=0.0)) for g in grads.values())
    return grads, spread > 1e-9 * max(largest, 1e-300)
