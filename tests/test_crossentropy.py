"""Categorical cross-entropy: value and gradient against mpmath (50 digits), labels, conventions, errors."""

import mpmath as mp
import numpy as np
import pytest

from reference_nets import crossentropy as CE
from reference_nets import losses as L

H = 1e-20
TINY = mp.mpf(np.finfo(float).tiny)


def mp_ce(z, labels, over_samples="mean", over_outputs="sum"):
    """Textbook CE at 60 digits: -log(exp(z_y) / sum exp(z)) per sample; dense rows as weights."""
    with mp.workdps(60):
        total = []
        for row, t in zip(z, labels):
            zs = [mp.mpf(float(v)) for v in row]
            lse = mp.log(mp.fsum(mp.exp(v) for v in zs))
            w = [mp.mpf(1) if j == t else mp.mpf(0) for j in range(len(zs))] if np.ndim(t) == 0 else t
            terms = [mp.mpf(float(wj)) * (lse - v) for wj, v in zip(w, zs)]
            total.append(mp.fsum(terms) / (len(zs) if over_outputs == "mean" else 1))
        return mp.fsum(total) / (len(total) if over_samples == "mean" else 1)


def mp_ce_grad(z, labels, over_samples="mean", over_outputs="sum"):
    """(p * sum(w) - w) / D, with digits enough for p - 1 of a row saturated up to 1e4 (4400 + 60)."""
    n, k = z.shape
    d = (n if over_samples == "mean" else 1) * (k if over_outputs == "mean" else 1)
    out = []
    with mp.workdps(60 + int(np.ptp(z) / 2.3)):
        for row, t in zip(z, labels):
            e = [mp.exp(mp.mpf(float(v))) for v in row]
            s = mp.fsum(e)
            if np.ndim(t) == 0:
                w = [mp.mpf(1) if j == t else mp.mpf(0) for j in range(k)]
            else:
                w = [mp.mpf(float(x)) for x in t]
            out.append([(ej / s * mp.fsum(w) - wj) / d for ej, wj in zip(e, w)])
    return out


def rel(got, exact):
    with mp.workdps(60):
        return float(max(abs(mp.mpf(float(g)) - e) / max(abs(e), TINY) for g, e in zip(got, exact)))


CASES = {
    "random": (np.random.default_rng(0).normal(0, 3, (5, 4)), np.array([0, 3, 1, 1, 2])),
    "saturated-right": (np.array([[40.0, 0.0, 1.0], [-3.0, 700.0, 2.0]]), np.array([0, 1])),
    "saturated-wrong": (np.array([[40.0, 0.0, 1.0], [-3.0, 700.0, 2.0]]), np.array([2, 0])),
    "extreme": (np.array([[1e4, -1e4], [-5e3, 5e3]]), np.array([0, 1])),
    "uniform": (np.zeros((3, 7)), np.array([6, 0, 3])),
}


@pytest.mark.parametrize("name", CASES)
@pytest.mark.parametrize("conv", [("mean", "sum"), ("sum", "sum"), ("mean", "mean"), ("sum", "mean")])
def test_value_and_gradient_match_mpmath(name, conv):
    z, y = CASES[name]
    kw = dict(over_samples=conv[0], over_outputs=conv[1])
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        value = CE.cross_entropy_with_logits(z, y, **kw)
        grad = CE.cross_entropy_with_logits_grad(z, y, **kw)
    assert rel([value], [mp_ce(z, y, *conv)]) <= 1e-15
    exact = mp_ce_grad(z, y, *conv)
    # every entry to full relative accuracy (measured: 3.7e-16 at worst, on the random rows), even
    # the p - 1 of a saturated row, which the textbook softmax(z) - y loses entirely
    for g_row, e_row in zip(grad, exact):
        assert rel(g_row, e_row) <= 5e-16


def test_saturated_gradient_keeps_its_digits_where_p_minus_1_would_not():
    z, y = np.array([[40.0, 0.0, 1.0]]), np.array([0])
    g = CE.cross_entropy_with_logits_grad(z, y)
    exact = mp_ce_grad(z, y)[0]
    assert rel(g[0], exact) <= 4e-16
    naive = np.exp(z) / np.exp(z).sum() - np.eye(3)[y]
    assert naive[0, 0] == 0.0  # the textbook form has no digit left there
    assert g[0, 0] == pytest.approx(-6.4e-18, rel=0.05)


@pytest.mark.parametrize("name", CASES)
def test_complex_step_of_the_loss_is_the_gradient(name):
    z, y = CASES[name]
    g = CE.cross_entropy_with_logits_grad(z, y)
    for idx in np.ndindex(z.shape):
        zc = z.astype(complex)
        zc[idx] += 1j * H
        cs = CE.cross_entropy_with_logits(zc, y).imag / H
        assert cs == pytest.approx(g[idx], rel=1e-15, abs=1e-300)


def test_integer_and_one_hot_labels_agree_exactly():
    z, y = CASES["random"]
    Y = np.eye(4)[y]
    for kw in ({}, {"over_samples": "sum"}, {"over_outputs": "mean"}):
        assert CE.cross_entropy_with_logits(z, y, **kw) == CE.cross_entropy_with_logits(z, Y, **kw)
        np.testing.assert_array_equal(
            CE.cross_entropy_with_logits_grad(z, y, **kw), CE.cross_entropy_with_logits_grad(z, Y, **kw)
        )
    assert CE.cross_entropy_with_logits(z, y[:, None]) == CE.cross_entropy_with_logits(z, y)
    assert CE.cross_entropy_with_logits(z, y.astype(float)) == CE.cross_entropy_with_logits(z, y)


def test_soft_targets_gradient_matches_mpmath():
    rng = np.random.default_rng(2)
    z, T = rng.normal(size=(4, 3)), rng.dirichlet(np.ones(3), 4)
    assert rel([CE.cross_entropy_with_logits(z, T)], [mp_ce(z, T)]) <= 1e-15
    exact = mp_ce_grad(z, T)
    np.testing.assert_allclose(CE.cross_entropy_with_logits_grad(z, T), np.array(exact, dtype=float), rtol=1e-13)


def test_probability_form_equals_logit_form_and_its_gradient():
    z, y = CASES["random"]
    p = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    assert CE.cross_entropy(p, y) == pytest.approx(float(CE.cross_entropy_with_logits(z, y)), rel=1e-14)
    g = CE.cross_entropy_grad(p, y)
    expected = -np.eye(4)[y] / p / 5
    np.testing.assert_allclose(g, expected, rtol=1e-15)
    assert CE.cross_entropy_grad(np.array([[1.0, 0.0]]), [1])[0].tolist() == [0.0, 0.0]  # clipped: flat
    assert np.isfinite(CE.cross_entropy(np.array([[1.0, 0.0]]), [1]))


def test_registry_and_one_hot():
    assert L.get_loss("ce_with_logits").f is CE.cross_entropy_with_logits
    assert L.get_loss("ce").grad is CE.cross_entropy_grad
    assert CE.one_hot(np.array([[1], [0]]), 2).tolist() == [[0.0, 1.0], [1.0, 0.0]]
    assert CE.one_hot(np.array([2.0 + 0j]), 3, np.complex128).dtype == np.complex128


@pytest.mark.parametrize(
    "call, error, message",
    [
        (lambda: CE.one_hot([0, 3], 3), ValueError, r"labels must be integer class indices in 0..2, got 3 in row 1"),
        (lambda: CE.one_hot([0.5], 3), ValueError, r"labels must be integer class indices in 0..2, got 0.5 in row 0"),
        (lambda: CE.one_hot([-1], 3), ValueError, r"got -1 in row 0"),
        (lambda: CE.one_hot([[0, 1]], 3), ValueError, r"labels must have shape \(N,\) or \(N, 1\), got \(1, 2\)"),
        (lambda: CE.one_hot(["a"], 3), TypeError, r"labels must be numeric class indices, got dtype <U1"),
        (
            lambda: CE.cross_entropy_with_logits(np.zeros((3, 2)), np.zeros((3, 3))),
            ValueError,
            r"y must be one-hot rows of shape \(3, 2\) or integer labels of shape \(3,\) or \(3, 1\) "
            r"for z of shape \(3, 2\), got y \(3, 3\)",
        ),
        (
            lambda: CE.cross_entropy_with_logits(np.zeros((3, 1)), [0, 0, 0]),
            ValueError,
            r"z must have shape \(N, K\) with N >= 1 samples and K >= 2 classes, got \(3, 1\)",
        ),
        (
            lambda: CE.cross_entropy_with_logits(np.zeros((1, 2)), [0], over_outputs="avg"),
            ValueError,
            r"over_outputs must be 'mean' or 'sum', got 'avg'",
        ),
        (
            lambda: CE.cross_entropy(np.full((1, 2), 0.5 + 0j), [0]),
            TypeError,
            r"p must be real for cross_entropy",
        ),
    ],
)
def test_errors_name_the_argument(call, error, message):
    with pytest.raises(error, match=message):
        call()
