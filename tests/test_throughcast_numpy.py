"""A loss returned through a narrow numpy cast (``np.float32(x)``, ``x.astype(np.float32)``, ...), seen through.

The cast drops the imaginary part of a complex evaluation and rounds every real
one to its stairs (6e-8 of a loss of 1 in float32, 5e-4 in float16). The
twin keeps the imaginary part, so the complex step reads the derivative of the
value before the rounding; the ground truth here is that value's central
differences in ``np.longdouble``, independent of this project's estimators.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from numpy import float32 as imported_float32

from gradcheck import check_gradients
from gradcheck.throughcast import Float32KeepsImaginary, cast_words, casts, through_cast


def _net(batch: int, loss_kind: str, cast, seed: int = 0, width: int = 6):
    """A float64 tanh MLP, its loss returned through ``cast``, with its hand-written gradient."""
    rng = np.random.default_rng(seed)
    outputs = 1 if loss_kind == "bce" else 3
    params = {
        "W1": rng.normal(size=(4, width)),
        "b1": 0.1 * rng.normal(size=width),
        "W2": rng.normal(size=(width, outputs)),
        "b2": 0.1 * rng.normal(size=outputs),
    }
    x = rng.normal(size=(batch, 4))
    y = rng.integers(0, 2, size=(batch, 1)).astype(float) if loss_kind == "bce" else rng.normal(size=(batch, outputs))

    def forward(p):
        h = np.tanh(x @ p["W1"] + p["b1"])
        return h, h @ p["W2"] + p["b2"]

    def value(p):
        _, z = forward(p)
        if loss_kind == "bce":
            prob = 1 / (1 + np.exp(-z))
            return -np.mean(y * np.log(prob) + (1 - y) * np.log(1 - prob))
        return 0.5 * np.sum((z - y) ** 2) / batch

    def grad(p):
        h, z = forward(p)
        dz = ((1 / (1 + np.exp(-z))) - y if loss_kind == "bce" else z - y) / batch
        dh = dz @ p["W2"].T * (1 - h**2)
        return {"W1": x.T @ dh, "b1": dh.sum(0), "W2": h.T @ dz, "b2": dz.sum(0)}

    return params, (lambda p: cast(value(p))), grad, value


def _buffered():
    """A loss's value written into a one-entry float32 buffer made once, outside the loss, and returned from it."""
    buffer = np.zeros(1, dtype=np.float32)

    def cast(v):
        buffer[0] = v
        return buffer[0]

    return cast


CASTS = {
    "np.float32(x)": np.float32,
    "np.float16(x)": np.float16,
    "x.astype(np.float32)": lambda v: v.astype(np.float32),
    "np.asarray(x, dtype=np.float32)": lambda v: np.asarray(v, dtype=np.float32),
    "float32(x), imported from numpy": imported_float32,
    "a float32 buffer": _buffered(),
}


def _longdouble_derivative(value, params, name, index) -> float:
    """Central difference of the value before the cast, in np.longdouble, at a step its rounding cannot spoil."""
    h = np.longdouble(1e-6)
    moved = []
    for sign in (1, -1):
        p = {k: v.astype(np.longdouble) for k, v in params.items()}
        p[name].reshape(-1)[index] += sign * h
        moved.append(value(p))
    return float((moved[0] - moved[1]) / (2 * h))


@pytest.mark.parametrize("cast", list(CASTS))
def test_the_twin_reads_the_derivative_of_the_value_before_the_cast(cast):
    params, loss, _, value = _net(8, "bce", CASTS[cast])
    twin = through_cast(loss)
    assert twin is not loss and casts(twin)
    step = 1e-30
    for name in params:
        moved = {k: v.astype(complex) for k, v in params.items()}
        moved[name].reshape(-1)[0] += 1j * step
        with warnings.catch_warnings():
            warnings.simplefilter("error", np.exceptions.ComplexWarning)  # (the user's cast would warn)
            read = np.imag(twin(moved)) / step
        truth = _longdouble_derivative(value, params, name, 0)
        assert read == pytest.approx(truth, rel=1e-7, abs=1e-12)


def test_the_twin_leaves_the_users_buffer_alone():
    buffer = np.zeros(1, dtype=np.float32)

    def loss(p):
        buffer[0] = np.sum(p["w"] ** 2)
        return buffer[0]

    loss({"w": np.array([3.0])})
    twin = through_cast(loss)
    seen = twin({"w": np.array([2.0 + 1e-30j])})
    assert np.imag(seen) / 1e-30 == pytest.approx(4.0)  # (d/dw w**2 at 2)
    assert buffer.dtype == np.float32 and buffer[0] == 9.0  # (the user's buffer: its last real value, untouched)


def test_the_stand_in_is_the_narrow_type_at_real_arguments_and_keeps_the_loss_value():
    assert Float32KeepsImaginary(0.1) == np.float32(0.1) and isinstance(Float32KeepsImaginary(0.1), np.float32)
    assert isinstance(np.float32(2.0), Float32KeepsImaginary)
    kept = Float32KeepsImaginary(0.1 + 1e-30j)
    assert kept.real == float(np.float32(0.1)) and kept.imag == 1e-30  # (rounded as the user's cast, step kept)


def test_the_verdict_words_say_the_cast_rounds():
    assert "identity at real points" in cast_words(("float()",))
    words = cast_words(("np.float32",))
    assert "rounding of the value before it" in words and "identity" not in words


@pytest.mark.parametrize(
    ("batch", "loss_kind", "cast"),
    [
        (1, "bce", "np.float32(x)"),
        (2, "mse", "x.astype(np.float32)"),
        (32, "mse", "np.float16(x)"),
        (16, "bce", "np.float16(x)"),
        (8, "mse", "a float32 buffer"),
    ],
)
def test_a_correct_net_behind_the_cast_passes_on_the_complex_step(batch, loss_kind, cast):
    params, loss, grad, _ = _net(batch, loss_kind, CASTS[cast], seed=batch)
    report = check_gradients(loss, grad, params)
    assert report.status == "pass", report.notes
    assert not any(n.startswith("complex step not used") for n in report.notes), report.notes


def _planted(grad, kind, params):
    """``grad`` with one bug; an entry's bug sits at one place, chosen at ``params`` (as a bug in code would)."""
    right = grad(params)
    largest = max(right, key=lambda n: np.max(np.abs(right[n])))
    at = {
        "largest 1e-2": (largest, int(np.argmax(np.abs(right[largest]))), 1 + 1e-2),
        "median 1e-3": ("W1", int(np.argsort(np.abs(right["W1"].reshape(-1)))[right["W1"].size // 2]), 1 + 1e-3),
    }

    def planted(p):
        g = {k: np.array(v, dtype=float) for k, v in grad(p).items()}
        if kind in at:
            name, index, factor = at[kind]
            g[name].reshape(-1)[index] *= factor
        elif kind == "missing 1/N":
            g = {k: v * 8 for k, v in g.items()}
        else:
            g["b1"] = -g["b1"]
        return g

    return planted


@pytest.mark.parametrize("kind", ["largest 1e-2", "median 1e-3", "missing 1/N", "bias sign"])
@pytest.mark.parametrize("cast", ["np.float32(x)", "x.astype(np.float32)", "np.float16(x)", "a float32 buffer"])
def test_a_planted_error_behind_the_cast_fails(kind, cast):
    params, loss, grad, _ = _net(8, "mse", CASTS[cast], seed=3)
    report = check_gradients(loss, _planted(grad, kind, params), params)
    assert report.status == "fail", (kind, cast, report.status, report.notes)


class _CastingNet:
    """A float32 class net as users write it: the loss a method, the weights cast in ``load`` that ``forward``
    calls on ``self`` (the loss's own code names no cast)."""

    def __init__(self, x, y):
        self.x, self.y = x.astype(np.float32), y.astype(np.float32)

    def load(self, p):
        self.w1, self.w2 = p["W1"].astype(np.float32), p["W2"].astype(np.float32)

    def forward(self, p):
        self.load(p)
        return np.tanh(self.x @ self.w1) @ self.w2

    def loss(self, p):
        return float(np.mean((self.forward(p) - self.y) ** 2))


def test_a_cast_a_bound_method_reaches_on_its_own_self_is_seen_through():
    rng = np.random.default_rng(4)
    x, y = rng.normal(size=(6, 3)), rng.normal(size=(6, 2))
    params = {"W1": rng.normal(size=(3, 4)), "W2": rng.normal(size=(4, 2))}
    net = _CastingNet(x, y)
    twin = through_cast(net.loss)
    assert twin is not net.loss and "np.float32" in casts(twin)
    assert twin.__self__ is not net  # (a copy of the user's object, holding the rebuilt load)
    same = float(np.finfo(np.float32).eps) * 8  # (astype's twin keeps the real part unrounded: float32's stairs apart)
    assert np.real(twin(params)) == pytest.approx(net.loss(params), rel=same)

    def value(p):  # the value before the casts, in the precision given
        h = np.tanh(x.astype(np.float32).astype(p["W1"].dtype) @ p["W1"])
        return np.mean((h @ p["W2"] - y.astype(np.float32).astype(p["W1"].dtype)) ** 2)

    for name in params:
        moved = {k: v.astype(complex) for k, v in params.items()}
        moved[name].reshape(-1)[1] += 1e-30j
        with warnings.catch_warnings():
            warnings.simplefilter("error", np.exceptions.ComplexWarning)  # (the user's casts would warn)
            read = np.imag(twin(moved)) / 1e-30
        assert read == pytest.approx(_longdouble_derivative(value, params, name, 1), rel=1e-5)
    assert not hasattr(net, "w1") or net.w1.dtype == np.float32  # (the user's object keeps its own arrays)
