"""Named loss conventions: reductions over samples and outputs, the MSE's 1/2, their gradients."""

import itertools

import mpmath as mp
import numpy as np
import pytest

from reference_nets import losses as L
from reference_nets.activations import sigmoid, softplus
from reference_nets.conventions import Convention

H = 1e-20
CONVENTIONS = list(itertools.product(("mean", "sum"), ("mean", "sum"), (False, True)))


@pytest.fixture
def batch():
    rng = np.random.default_rng(8)
    return rng.normal(size=(6, 3)), rng.normal(size=(6, 3)), rng.integers(0, 2, (6, 3)).astype(float)


def mp_mse(yhat, y, over_samples, over_outputs, half):
    with mp.workdps(50):
        rows = [mp.fsum((mp.mpf(float(a)) - mp.mpf(float(b))) ** 2 for a, b in zip(r, s)) for r, s in zip(yhat, y)]
        rows = [r / (yhat.shape[1] if over_outputs == "mean" else 1) for r in rows]
        value = mp.fsum(rows) / (yhat.shape[0] if over_samples == "mean" else 1)
        return value / 2 if half else value


@pytest.mark.parametrize("over_samples, over_outputs, half", CONVENTIONS)
def test_mse_conventions_match_mpmath_and_the_complex_step(batch, over_samples, over_outputs, half):
    yhat, y, _ = batch
    kw = dict(over_samples=over_samples, over_outputs=over_outputs, half=half)
    value = L.mse(yhat, y, **kw)
    assert float(value) == pytest.approx(float(mp_mse(yhat, y, over_samples, over_outputs, half)), rel=4e-16)
    grad = L.mse_grad(yhat, y, **kw)
    for idx in np.ndindex(yhat.shape):
        yc = yhat.astype(complex)
        yc[idx] += 1j * H
        assert grad[idx] == pytest.approx(L.mse(yc, y, **kw).imag / H, rel=1e-15)


def test_half_sum_over_outputs_mean_over_samples_is_expressible_by_name(batch):
    """'0.5 * sum over the K outputs, mean over the N samples': gradient (yhat - y) / N, no magic scale."""
    yhat, y, _ = batch
    n = yhat.shape[0]
    kw = dict(over_samples="mean", over_outputs="sum", half=True)
    assert L.mse(yhat, y, **kw) == pytest.approx(0.5 * np.sum((yhat - y) ** 2) / n, rel=1e-15)
    np.testing.assert_allclose(L.mse_grad(yhat, y, **kw), (yhat - y) / n, rtol=1e-15)


@pytest.mark.parametrize("over_samples, over_outputs", list(itertools.product(("mean", "sum"), repeat=2)))
def test_bce_conventions_match_the_complex_step_and_each_other(batch, over_samples, over_outputs):
    z, _, y = batch
    kw = dict(over_samples=over_samples, over_outputs=over_outputs)
    n, k = z.shape
    scale = (n if over_samples == "sum" else 1) * (k if over_outputs == "sum" else 1)
    assert L.bce_with_logits(z, y, **kw) == pytest.approx(scale * L.bce_with_logits(z, y), rel=1e-15)
    p = 1 / (1 + np.exp(-z))
    assert L.bce(p, y, **kw) == pytest.approx(float(L.bce_with_logits(z, y, **kw)), rel=1e-13)
    np.testing.assert_allclose(L.bce_grad(p, y, **kw), scale * L.bce_grad(p, y), rtol=1e-15)
    g = L.bce_with_logits_grad(z, y, **kw)
    for idx in np.ndindex(z.shape):
        zc = z.astype(complex)
        zc[idx] += 1j * H
        assert g[idx] == pytest.approx(L.bce_with_logits(zc, y, **kw).imag / H, rel=1e-15)


def test_defaults_are_bit_for_bit_the_first_releases_formulas(batch):
    yhat, y, b = batch
    for shape in [(6, 3), (18,), (2, 3, 3)]:
        a, t = yhat.reshape(shape), y.reshape(shape)
        assert L.mse(a, t) == np.mean((a - t) * (a - t))
        np.testing.assert_array_equal(L.mse_grad(a, t), 2 * (a - t) / a.size)
    # the BCE formulas of the release before the conventions, written out with the same helpers
    expected = ((1 - b) * sigmoid(yhat) - b * sigmoid(-yhat)) / b.size
    np.testing.assert_array_equal(L.bce_with_logits_grad(yhat, b), expected)
    assert L.bce_with_logits(yhat, b) == np.mean((1 - b) * softplus(yhat) + b * softplus(-yhat))


def test_convention_object():
    c = Convention("sum", "mean", half=True)
    terms = np.arange(12.0).reshape(4, 3)
    assert c.reduce(terms) == pytest.approx(0.5 * np.sum(terms.mean(axis=1)))
    assert c.divisor((4, 3)) == 3 and Convention().divisor((4, 3)) == 12
    assert Convention("sum", "sum").divisor((4, 3)) == 1
    assert c.text == "0.5 * sum over samples of mean over outputs"
    batched = np.stack([terms, 2 * terms])
    np.testing.assert_allclose(c.reduce(batched, lead=1), [c.reduce(terms), 2 * c.reduce(terms)])
    assert Convention("mean", "sum").divisor((5,)) == 5  # a 1-D array has one output per sample


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"over_samples": "avg"}, r"over_samples must be 'mean' or 'sum', got 'avg'"),
        ({"over_outputs": None}, r"over_outputs must be 'mean' or 'sum', got None"),
        ({"half": 0.5}, r"half must be True or False, got 0.5"),
    ],
)
def test_convention_errors(kwargs, message):
    with pytest.raises(ValueError, match=message):
        Convention(**kwargs)
    if "half" not in kwargs:
        with pytest.raises(ValueError, match=message):
            L.mse(np.zeros(2), np.zeros(2), **kwargs)


@pytest.mark.parametrize("over_samples, over_outputs", list(itertools.product(("mean", "sum"), repeat=2)))
def test_bce_with_logits_conventions_match_mpmath(over_samples, over_outputs):
    z = np.array([[0.3, -40.0], [12.0, 2.0], [-0.7, 700.0]])
    y = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    with mp.workdps(50):
        terms = [
            [mp.log1p(mp.exp(-mp.mpf(float(v)))) if t else mp.log1p(mp.exp(mp.mpf(float(v)))) for v, t in zip(r, s)]
            for r, s in zip(z, y)
        ]
        rows = [mp.fsum(r) / (2 if over_outputs == "mean" else 1) for r in terms]
        exact = mp.fsum(rows) / (3 if over_samples == "mean" else 1)
    got = L.bce_with_logits(z, y, over_samples=over_samples, over_outputs=over_outputs)
    assert float(got) == pytest.approx(float(exact), rel=4e-16)
