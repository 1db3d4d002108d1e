"""Tests for reference_nets.losses: values, gradients (complex step), stability, errors."""

import warnings

import numpy as np
import pytest

from reference_nets import losses as L
from reference_nets.activations import sigmoid

H = 1e-20


def complex_step_grad(f, x, y):
    """Independent gradient of a scalar f(x, y) w.r.t. every entry of x."""
    g = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        xc = x.astype(np.complex128)
        xc[idx] += 1j * H
        g[idx] = np.imag(f(xc, y)) / H
    return g


def max_rel(a, b):
    scale = np.maximum(np.abs(b), 1e-3 * np.max(np.abs(b)))
    return np.max(np.abs(a - b) / scale)


@pytest.fixture
def batch():
    rng = np.random.default_rng(3)
    return rng.normal(size=(6, 3)), rng.normal(size=(6, 3)), rng.integers(0, 2, (6, 3)).astype(float)


def test_mse_value_and_convention(batch):
    yhat, y, _ = batch
    value = L.mse(yhat, y)
    assert isinstance(value, np.floating)
    assert value == pytest.approx(np.sum((yhat - y) ** 2) / yhat.size, rel=1e-15)


def test_mse_grad_matches_complex_step(batch):
    yhat, y, _ = batch
    g = L.mse_grad(yhat, y)
    np.testing.assert_allclose(g, 2 * (yhat - y) / 18, rtol=1e-15)
    assert max_rel(g, complex_step_grad(L.mse, yhat, y)) < 1e-13


def test_bce_with_logits_grad_matches_complex_step(batch):
    z, _, y = batch
    g = L.bce_with_logits_grad(z, y)
    assert max_rel(g, complex_step_grad(L.bce_with_logits, z, y)) < 1e-13
    # the same quantity as the textbook sigmoid(z) - y, computed without its subtraction
    np.testing.assert_allclose(g, (sigmoid(z) - y) / z.size, rtol=1e-13)


@pytest.mark.parametrize("z, y", [(30.0, 1.0), (-30.0, 0.0), (40.0, 1.0)])
def test_bce_with_logits_stays_exact_on_saturated_logits(z, y):
    # exact values: the loss is softplus(-|z|) = log1p(exp(-|z|)) and its gradient
    # -+ sigmoid(-|z|) = -+ 1 / (1 + e^|z|), both computed without cancellation
    zz, yy = np.array([[z]]), np.array([[y]])
    tail = np.exp(-abs(z))
    exact_loss, exact_grad = np.log1p(tail), np.sign(-z) * tail / (1 + tail)
    assert L.bce_with_logits(zz, yy) == pytest.approx(exact_loss, rel=1e-14)
    assert L.bce_with_logits_grad(zz, yy)[0, 0] == pytest.approx(exact_grad, rel=1e-14)
    # the complex step differentiates the loss exactly too (no cancellation in its imaginary part)
    assert complex_step_grad(L.bce_with_logits, zz, yy)[0, 0] == pytest.approx(exact_grad, rel=1e-14)


def test_bce_with_logits_matches_naive_formula_at_moderate_z(batch):
    z, _, y = batch
    p = 1 / (1 + np.exp(-z))
    naive = -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))
    assert L.bce_with_logits(z, y) == pytest.approx(naive, rel=1e-13)
    assert L.bce(sigmoid(z), y) == pytest.approx(naive, rel=1e-13)


@pytest.mark.parametrize("complex_input", [False, True])
def test_bce_with_logits_stable_for_large_logits(complex_input):
    z = np.array([[-1e3, 1e3, -1e3, 1e3, 800.0]])
    y = np.array([[0.0, 1.0, 1.0, 0.0, 1.0]])
    if complex_input:
        z = z + 1j * H
    with warnings.catch_warnings(), np.errstate(over="raise", divide="raise", invalid="raise"):
        warnings.simplefilter("error")
        value = L.bce_with_logits(z, y)
        grad = L.bce_with_logits_grad(z, y)
    # correct predictions cost 0, wrong ones cost |z|
    assert np.real(value) == pytest.approx((1e3 + 1e3) / 5, rel=1e-15)
    np.testing.assert_allclose(np.real(grad), [[0, 0, -0.2, 0.2, 0]], atol=1e-300)


def test_bce_value_clipping_and_grad(batch):
    _, _, y = batch
    p = np.random.default_rng(0).uniform(0.05, 0.95, y.shape)
    g = L.bce_grad(p, y)
    np.testing.assert_allclose(g, (-(y / p) + (1 - y) / (1 - p)) / p.size, rtol=1e-14)
    # central difference (bce is not complex safe): smooth interior, loose tolerance
    h = 1e-6
    e = np.zeros_like(p)
    e[0, 0] = h
    num = (L.bce(p + e, y) - L.bce(p - e, y)) / (2 * h)
    assert num == pytest.approx(g[0, 0], rel=1e-6)


def test_bce_clips_extremes_finitely():
    p = np.array([0.0, 1.0, 0.5])
    y = np.array([1.0, 0.0, 1.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        value = L.bce(p, y)
        grad = L.bce_grad(p, y)
    eps = np.finfo(np.float64).eps
    assert value == pytest.approx((-2 * np.log(eps) + np.log(2)) / 3, rel=1e-12)
    assert grad.tolist()[:2] == [0.0, 0.0]  # flat where clipped
    assert grad[2] == pytest.approx(-2 / 3)


def test_bce_rejects_complex():
    with pytest.raises(TypeError, match=r"p must be real for bce \(clipping"):
        L.bce(np.array([0.5 + 1j * H]), np.array([1.0]))
    with pytest.raises(TypeError, match=r"p must be real for bce_grad"):
        L.bce_grad(np.array([0.5 + 1j * H]), np.array([1.0]))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", ["mse", "bce", "bce_with_logits"])
def test_dtype_preserved(name, dtype):
    loss = L.get_loss(name)
    p = np.array([[0.2, 0.7]], dtype=dtype)
    y = np.array([[0.0, 1.0]])
    assert loss.f(p, y).dtype == dtype
    assert loss.grad(p, y).dtype == dtype


def test_complex_input_gives_complex_scalar(batch):
    yhat, y, _ = batch
    assert isinstance(L.mse(yhat + 0j, y), np.complexfloating)
    assert isinstance(L.bce_with_logits(yhat + 0j, y), np.complexfloating)


@pytest.mark.parametrize(
    "f, first",
    [
        (L.mse, "yhat"),
        (L.mse_grad, "yhat"),
        (L.bce, "p"),
        (L.bce_grad, "p"),
        (L.bce_with_logits, "z"),
        (L.bce_with_logits_grad, "z"),
    ],
)
def test_shape_mismatch_names_both_shapes(f, first):
    with pytest.raises(
        ValueError,
        match=rf"{first} and y must have the same shape, "
        rf"got {first} \(3, 1\) and y \(3,\)",
    ):
        f(np.zeros((3, 1)), np.zeros(3))


def test_empty_rejected():
    with pytest.raises(ValueError, match=r"yhat must be non-empty, got shape \(0, 2\)"):
        L.mse(np.zeros((0, 2)), np.zeros((0, 2)))


def test_non_numeric_target_rejected():
    with pytest.raises(TypeError, match=r"y must be a numeric array"):
        L.mse(np.zeros(2), np.array(["a", "b"]))


def test_registry():
    assert set(L.LOSSES) == {"mse", "bce", "bce_with_logits", "ce", "ce_with_logits"}
    assert L.get_loss("mse").grad is L.mse_grad
    with pytest.raises(ValueError, match=r"unknown loss 'hinge'; valid names: 'mse', 'bce'"):
        L.get_loss("hinge")
