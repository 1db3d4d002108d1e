"""An independent 50-digit oracle for small MLP losses (mpmath; no reference_nets import).

Everything here is written from the textbook definitions, in arbitrary
precision, with none of the numerical care of the code under test: softmax is
``exp(z) / sum(exp(z))`` unshifted, cross-entropy is ``-log`` of a probability,
ELU is ``alpha * (exp(z) - 1)``.  At 50 digits those are exact to far more than
float64 holds.  Gradients are central differences at 50 digits with a step of
1e-15 (truncation ~1e-30 of the curvature, rounding ~1e-35): 30 good digits,
from the loss alone, with no derivative formula.
"""

from __future__ import annotations

import mpmath as mp

DPS = 50
STEP = mp.mpf("1e-15")


def _f(x):
    return mp.mpf(float(x)) if not isinstance(x, mp.mpf) else x


def matrix(a):
    """A numpy array (1-D or 2-D) as nested lists of mpf (exact conversion of the doubles)."""
    if getattr(a, "ndim", 1) == 1:
        return [_f(v) for v in a]
    return [[_f(v) for v in row] for row in a]


def activation(name: str, z, slope=0.01, alpha=1.0):
    """Element-wise activation at one mpf."""
    if name == "sigmoid":
        return 1 / (1 + mp.exp(-z))
    if name == "tanh":
        return mp.tanh(z)
    if name == "relu":
        return z if z > 0 else mp.mpf(0)
    if name == "leaky_relu":
        return z if z > 0 else _f(slope) * z
    if name == "elu":
        return z if z > 0 else _f(alpha) * mp.expm1(z)
    if name == "identity":
        return z
    raise ValueError(name)


def softmax_row(z):
    """Unshifted softmax of one row (exact at 50 digits for |z| up to ~1e5)."""
    e = [mp.exp(v) for v in z]
    s = mp.fsum(e)
    return [v / s for v in e]


def forward(params: dict, X, hidden, output, bias=True, slope=0.01, alpha=1.0):
    """Output rows ``yhat`` and pre-activations of the last layer, as lists of mpf rows."""
    rows = [matrix(x) for x in X]
    n_layers = len(hidden) + 1
    z_rows = None
    for l in range(1, n_layers + 1):
        W = matrix(params[f"W{l}"])
        b = matrix(params[f"b{l}"]) if bias else [mp.mpf(0)] * len(W[0])
        z_rows = [[mp.fsum(a[i] * W[i][j] for i in range(len(a))) + b[j] for j in range(len(b))] for a in rows]
        if l < n_layers:
            rows = [[activation(hidden[l - 1], v, slope, alpha) for v in z] for z in z_rows]
        elif output == "softmax":
            rows = [softmax_row(z) for z in z_rows]
        else:
            rows = [[activation(output, v) for v in z] for z in z_rows]
    return rows, z_rows


def _reduce(terms, over_samples, over_outputs):
    per_sample = [mp.fsum(t) / (len(t) if over_outputs == "mean" else 1) for t in terms]
    return mp.fsum(per_sample) / (len(per_sample) if over_samples == "mean" else 1)


def data_loss(yhat, Y, loss, over_samples="mean", over_outputs=None, half=False):
    """Data loss from the output rows; ``Y`` rows of targets, or integer labels (a 1-D sequence)."""
    k = len(yhat[0])
    dense = [[mp.mpf(1) if j == int(y) else mp.mpf(0) for j in range(k)] for y in Y] if _is_labels(Y) else None
    T = dense or [matrix(y) for y in Y]
    if loss == "mse":
        terms = [[(a - t) ** 2 for a, t in zip(row, trow)] for row, trow in zip(yhat, T)]
        value = _reduce(terms, over_samples, over_outputs or "mean")
        return value / 2 if half else value
    if loss == "bce":
        terms = [[-(t * mp.log(a) + (1 - t) * mp.log(1 - a)) for a, t in zip(row, trow)] for row, trow in zip(yhat, T)]
        return _reduce(terms, over_samples, over_outputs or "mean")
    if loss == "ce":
        terms = [[-t * mp.log(a) for a, t in zip(row, trow)] for row, trow in zip(yhat, T)]
        return _reduce(terms, over_samples, over_outputs or "sum")
    raise ValueError(loss)


def _is_labels(Y) -> bool:
    return getattr(Y, "ndim", 2) == 1


def total_loss(params: dict, X, Y, spec: dict):
    """Data loss plus ``(l2 / 2) sum W^2`` at 50 digits; ``spec`` holds the net's plain settings."""
    with mp.workdps(DPS):
        yhat, _ = forward(
            params,
            X,
            spec["hidden"],
            spec["output"],
            spec.get("bias", True),
            spec.get("slope", 0.01),
            spec.get("alpha", 1.0),
        )
        value = data_loss(
            yhat, Y, spec["loss"], spec.get("over_samples", "mean"), spec.get("over_outputs"), spec.get("half", False)
        )
        l2 = spec.get("l2", 0.0)
        if l2:
            squares = [mp.fsum(_f(w) ** 2 for w in params[k].ravel()) for k in params if k.startswith("W")]
            value += _f(l2) / 2 * mp.fsum(squares)
        return value


def gradient(params: dict, X, Y, spec: dict) -> dict:
    """Every partial derivative of :func:`total_loss`, by 50-digit central differences (as floats)."""
    import numpy as np

    out = {}
    with mp.workdps(DPS):
        for name, value in params.items():
            g = np.zeros(value.shape)
            for idx in np.ndindex(value.shape):
                g[idx] = float(_partial(params, name, idx, X, Y, spec))
            out[name] = g
    return out


def _partial(params, name, idx, X, Y, spec):
    # params hold doubles: perturb an object copy carrying an mpf at one entry
    def at(t):
        moved = {k: v.astype(object) for k, v in params.items()}
        moved[name][idx] = t
        return total_loss(moved, X, Y, spec)

    t0 = _f(params[name][idx])
    return (at(t0 + STEP) - at(t0 - STEP)) / (2 * STEP)


def spec_of(config) -> dict:
    """The plain settings of an MLPConfig-like object, as :func:`total_loss` reads them."""
    return dict(
        hidden=config.hidden,
        output=config.output,
        loss=config.loss,
        bias=config.bias,
        l2=config.l2,
        slope=config.leaky_slope,
        alpha=config.elu_alpha,
        over_samples=config.over_samples,
        over_outputs=config.convention.over_outputs,
        half=config.half,
    )
