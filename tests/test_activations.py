"""Tests for reference_nets.activations: values, both derivative forms, complex safety."""

import warnings

import numpy as np
import pytest

from reference_nets import activations as act

H = 1e-20  # complex step: no subtractive cancellation, so any tiny h works


def complex_step(f, z):
    """Independent derivative: Im f(z + i h) / h, element-wise."""
    z = np.asarray(z, dtype=np.float64)
    return np.imag(f(z + 1j * H)) / H


def strict():
    """Fail on any overflow / divide / invalid and on any warning.

    Underflow of exp to 0 is benign (and expected for |z| ~ 1e3), so it is
    left at numpy's default.
    """
    return np.errstate(over="raise", divide="raise", invalid="raise")


Z = np.linspace(-30, 30, 241)
Z_AWAY = Z[np.abs(Z) > 1e-3]

SMOOTH = [("sigmoid", act.sigmoid_prime), ("tanh", act.tanh_prime), ("identity", act.identity_prime)]


@pytest.mark.parametrize("name, prime", SMOOTH)
def test_prime_matches_complex_step(name, prime):
    f = act.ACTIVATIONS[name].f
    expected = complex_step(f, Z)
    got = prime(Z)
    scale = np.maximum(np.abs(expected), 1e-300)
    assert np.max(np.abs(got - expected) / scale) < 1e-13


def test_relu_prime_matches_complex_step_away_from_kink():
    np.testing.assert_array_equal(act.relu_prime(Z_AWAY), complex_step(act.relu, Z_AWAY))


def test_relu_prime_is_zero_at_kink_and_keeps_dtype():
    z = np.array([-1.0, 0.0, 1e-300, 2.0], dtype=np.float32)
    out = act.relu_prime(z)
    assert out.dtype == np.float32
    assert out.tolist() == [0.0, 0.0, 0.0, 1.0]  # 1e-300 underflows to 0 in float32
    assert act.relu_prime(np.array([0.0, 1e-300])).tolist() == [0.0, 1.0]


@pytest.mark.parametrize("name", ["sigmoid", "relu", "tanh", "identity"])
def test_output_form_equals_prime_at_f_of_z(name):
    a = act.ACTIVATIONS[name]
    z = Z_AWAY
    np.testing.assert_allclose(a.prime_from_output(a.f(z)), a.prime(z), rtol=1e-12, atol=1e-15)


def test_output_form_differs_from_prime_at_z():
    # the classic bug: a*(1-a) applied to z is not sigma'(z)
    z = np.array([0.5, 2.0])
    assert not np.allclose(act.sigmoid_prime_from_output(z), act.sigmoid_prime(z))
    assert not np.allclose(act.tanh_prime_from_output(z), act.tanh_prime(z))


def test_values_against_naive_formulas():
    z = np.linspace(-5, 5, 11)
    np.testing.assert_allclose(act.sigmoid(z), 1 / (1 + np.exp(-z)), rtol=1e-15)
    np.testing.assert_allclose(act.relu(z), np.maximum(z, 0))
    np.testing.assert_allclose(act.tanh(z), np.tanh(z))
    np.testing.assert_allclose(act.softplus(z), np.log1p(np.exp(z)), rtol=1e-14)
    np.testing.assert_array_equal(act.identity(z), z)


@pytest.mark.parametrize("f", [act.sigmoid, act.softplus, act.tanh, act.sigmoid_prime, act.tanh_prime, act.relu])
@pytest.mark.parametrize("complex_input", [False, True])
def test_no_warnings_for_huge_arguments(f, complex_input):
    z = np.array([-1e3, -750.0, -40.0, 0.0, 40.0, 750.0, 1e3, -1e6, 1e6])
    if complex_input:
        z = z + 1j * H
    with warnings.catch_warnings(), strict():
        warnings.simplefilter("error")
        out = f(z)
    assert np.all(np.isfinite(out))


def test_sigmoid_saturates_exactly():
    out = act.sigmoid(np.array([-1e3, 1e3]))
    assert out.tolist() == [0.0, 1.0]
    assert act.softplus(np.array([1e3]))[0] == 1e3


@pytest.mark.parametrize(
    "dtype, out_dtype",
    [
        (np.float32, np.float32),
        (np.float64, np.float64),
        (np.complex128, np.complex128),
        (np.int64, np.float64),
        (np.bool_, np.float64),
    ],
)
@pytest.mark.parametrize("name", ["sigmoid", "relu", "tanh", "identity"])
def test_result_dtype(name, dtype, out_dtype):
    a = act.ACTIVATIONS[name]
    z = np.array([-2, 0, 3]).astype(dtype)
    assert a.f(z).dtype == out_dtype
    assert a.prime(z).dtype == out_dtype


def test_complex_input_keeps_imaginary_part_in_relu():
    z = np.array([2 + 1e-20j, -2 + 1e-20j])
    out = act.relu(z)
    assert out.dtype == np.complex128
    assert out.imag.tolist() == [1e-20, 0.0]


def test_scalar_input():
    assert float(act.sigmoid(0.0)) == 0.5
    assert float(act.sigmoid(-800.0)) == 0.0


def test_softplus_derivative_is_sigmoid():
    np.testing.assert_allclose(complex_step(act.softplus, Z), act.sigmoid(Z), rtol=1e-13)


def test_get_activation_and_registry():
    assert set(act.ACTIVATIONS) == {"sigmoid", "relu", "tanh", "identity", "leaky_relu", "elu", "softmax"}
    assert act.get_activation("relu").f is act.relu
    with pytest.raises(ValueError, match=r"unknown activation 'swish'; valid names: 'sigmoid'"):
        act.get_activation("swish")


def test_activation_is_frozen():
    with pytest.raises(AttributeError):
        act.ACTIVATIONS["tanh"].f = act.relu


def test_non_numeric_input_rejected():
    with pytest.raises(TypeError, match=r"z must be a numeric array, got dtype <U1"):
        act.sigmoid(np.array(["a"]))
    with pytest.raises(TypeError, match=r"a must be a numeric array"):
        act.tanh_prime_from_output(np.array(["a"]))


from hypothesis import example, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


@settings(max_examples=200, deadline=None)
@given(st.floats(min_value=-700, max_value=700, allow_nan=False))
@example(0.0)
@example(-700.0)
@example(-600.0)
@example(36.7)  # 1 - sigmoid(z) cancels to 0 beyond about -log(eps)
def test_sigmoid_properties(z):
    with np.errstate(all="raise"):  # no underflow either inside |z| <= 700
        s, s_neg = act.sigmoid(np.array([z])), act.sigmoid(np.array([-z]))
        prime = act.sigmoid_prime(np.array([z]))
    assert 0.0 <= s[0] <= 1.0
    assert s[0] + s_neg[0] == pytest.approx(1.0, rel=1e-15)
    if abs(z) <= 600:  # beyond, h * sigma'(z) underflows below the normal range
        expected = complex_step(act.sigmoid, np.array([z]))[0]
        assert prime[0] == pytest.approx(expected, rel=1e-13, abs=0)


@pytest.mark.parametrize("z", [-40.0, -30.0, -5.0, -2.3, 0.0, 2.3, 5.0, 30.0, 40.0])
def test_softplus_complex_step_is_exact_where_numpy_complex_log1p_is_not(z):
    # numpy's complex log1p(1e-13) keeps three digits; softplus must not inherit that
    h = 1e-20
    out = act.softplus(np.array([z + 1j * h]))[0]
    exact_value = np.logaddexp(0.0, z)
    exact_slope = 1.0 / (1.0 + np.exp(-z))
    assert out.real == pytest.approx(exact_value, rel=1e-15, abs=0)
    assert out.imag / h == pytest.approx(exact_slope, rel=1e-15, abs=0)
