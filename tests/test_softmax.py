"""Softmax, log-softmax, logsumexp and the softmax Jacobian against mpmath (50 digits) and the complex step."""

import warnings

import mpmath as mp
import numpy as np
import pytest

from reference_nets import activations as act
from reference_nets.softmax import log_softmax, logsumexp, softmax, softmax_vjp

H = 1e-20
TINY = mp.mpf(np.finfo(float).tiny)


def rows():
    rng = np.random.default_rng(11)
    return [
        np.array([0.0, 0.0, 0.0]),
        np.array([1000.0, 0.0, -1000.0]),  # saturated
        np.array([40.0, 0.0, 1.0, -3.0]),  # winning class at 1 - 1e-17
        np.array([-800.0, -800.5]),  # every exp underflows unshifted
        np.array([3.0, 3.0 + 1e-15, -2.0]),  # near tie
        rng.normal(0.0, 5.0, 6),
        rng.normal(0.0, 0.01, 5),
    ]


def mp_log_softmax(z):
    with mp.workdps(60):
        zs = [mp.mpf(float(v)) for v in z]
        lse = mp.log(mp.fsum(mp.exp(v) for v in zs))
        return [v - lse for v in zs]


def rel(got, exact):
    with mp.workdps(60):
        return float(max(abs(mp.mpf(float(g)) - e) / max(abs(e), TINY) for g, e in zip(got, exact)))


@pytest.mark.parametrize("z", rows(), ids=lambda z: f"K{len(z)}")
def test_against_mpmath(z):
    exact = mp_log_softmax(z)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(over="raise", invalid="raise", divide="raise"):
            assert rel(log_softmax(z), exact) <= 4e-16
            # exp(z - m) inherits the rounding of z - m: |z - m| eps / 2 of relative error
            spread = float(np.max(z) - np.min(z))
            assert rel(softmax(z), [mp.exp(v) for v in exact]) <= (3 + spread) * 1.2e-16
            with mp.workdps(60):
                lse = mp.log(mp.fsum(mp.exp(mp.mpf(float(v))) for v in z))
            assert rel(logsumexp(z), [lse]) <= 2.3e-16


@pytest.mark.parametrize("z", rows(), ids=lambda z: f"K{len(z)}")
def test_complex_step_of_logsumexp_is_softmax(z):
    p = softmax(z)
    for k in range(len(z)):
        e = np.zeros(len(z))
        e[k] = H
        assert logsumexp(z + 1j * e).imag[0] / H == pytest.approx(p[k], rel=4e-16, abs=1e-300)


@pytest.mark.parametrize("z", rows(), ids=lambda z: f"K{len(z)}")
def test_vjp_equals_the_mpmath_jacobian_product(z):
    g = np.random.default_rng(len(z)).normal(size=len(z))
    with mp.workdps(60):
        p = [mp.exp(v) for v in mp_log_softmax(z)]
        gp = mp.fsum(mp.mpf(float(gi)) * pi for gi, pi in zip(g, p))
        exact = [pi * (mp.mpf(float(gi)) - gp) for gi, pi in zip(g, p)]
    got = softmax_vjp(softmax(z), g)
    # every entry to full relative accuracy, even where p is one-hot-like and g - sum(g p) cancels,
    # up to the rounding of z - max(z) inside p (see test_against_mpmath)
    spread = float(np.max(z) - np.min(z))
    assert rel(got, exact) <= (8 + spread) * 1.2e-16


def test_rows_are_independent_and_batched():
    z = np.array([[1.0, 2.0, 3.0], [1000.0, 0.0, 0.0]])
    p = softmax(z)
    np.testing.assert_allclose(p.sum(axis=-1), 1.0, rtol=1e-15)
    np.testing.assert_array_equal(p[0], softmax(z[0]))
    stacked = softmax(np.stack([z, z + 5.0]))
    np.testing.assert_allclose(stacked[1], p, rtol=1e-15)


def test_complex_and_float32_dtypes_kept():
    assert softmax(np.zeros(3, np.float32)).dtype == np.float32
    assert log_softmax(np.zeros(3, np.complex128)).dtype == np.complex128


def test_errors():
    with pytest.raises(ValueError, match=r"z must have at least one class along its last axis, got shape \(2, 0\)"):
        softmax(np.zeros((2, 0)))
    with pytest.raises(ValueError, match=r"p and g must have the same shape, got p \(3,\) and g \(2,\)"):
        softmax_vjp(np.ones(3) / 3, np.ones(2))


def test_softmax_is_not_elementwise():
    a = act.get_activation("softmax")
    assert not a.elementwise
    with pytest.raises(TypeError, match=r"softmax is not element-wise: its derivative is a Jacobian"):
        a.prime(np.zeros(3))
    z = np.array([[0.3, -1.0, 2.0]])
    g = np.array([[1.0, 0.0, -1.0]])
    np.testing.assert_array_equal(a.backprop(z, softmax(z), g), softmax_vjp(softmax(z), g))
