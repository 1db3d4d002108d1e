"""Leaky ReLU and ELU: values and both derivative forms against mpmath (50 digits) and the complex step."""

import warnings

import mpmath as mp
import numpy as np
import pytest

from reference_nets import activations as act
from reference_nets import rectifiers as R

H = 1e-20
Z = np.concatenate([-np.logspace(-300, 3, 60), [0.0], np.logspace(-300, 3, 60), np.linspace(-30, 30, 61)])
Z_AWAY = Z[Z != 0]
PARAMS = [("leaky_relu", 0.01), ("leaky_relu", 0.2), ("leaky_relu", 0.0), ("elu", 1.0), ("elu", 0.5), ("elu", 2.5)]


def mp_f(name, z, p):
    z = mp.mpf(float(z))
    if name == "leaky_relu":
        return z if z > 0 else mp.mpf(p) * z
    return z if z > 0 else mp.mpf(p) * mp.expm1(z)  # exp(z) - 1 would round to 0 below 1e-50


def mp_prime(name, z, p):
    z = mp.mpf(float(z))
    if z > 0:
        return mp.mpf(1)
    return mp.mpf(p) if name == "leaky_relu" else mp.mpf(p) * mp.exp(z)


TINY = mp.mpf(np.finfo(float).tiny)


def rel_err(got, exact):
    """Relative error against mpmath values; below float64's normal range, relative to its smallest normal."""
    with mp.workdps(50):
        errs = [abs(mp.mpf(float(g)) - e) / max(abs(e), TINY) for g, e in zip(got, exact)]
    return float(max(errs))


def bound(name, p):
    kw = "slope" if name == "leaky_relu" else "alpha"
    return (lambda z: getattr(R, name)(z, **{kw: p})), (lambda z: getattr(R, f"{name}_prime")(z, **{kw: p}))


@pytest.mark.parametrize("name, p", PARAMS)
def test_value_and_prime_match_mpmath_to_the_last_bits(name, p):
    f, prime = bound(name, p)
    with mp.workdps(50), np.errstate(over="raise", invalid="raise", divide="raise"):
        assert rel_err(f(Z), [mp_f(name, z, p) for z in Z]) <= 2.3e-16
        assert rel_err(prime(Z), [mp_prime(name, z, p) for z in Z]) <= 2.3e-16


@pytest.mark.parametrize("name, p", PARAMS)
def test_prime_equals_the_complex_step_of_f(name, p):
    f, prime = bound(name, p)
    cs = np.imag(f(Z_AWAY + 1j * H)) / H
    np.testing.assert_allclose(prime(Z_AWAY), cs, rtol=1e-15, atol=0)


@pytest.mark.parametrize("name, p", PARAMS)
def test_output_form_equals_prime_at_f_of_z(name, p):
    kw = "slope" if name == "leaky_relu" else "alpha"
    f, prime = bound(name, p)
    from_out = getattr(R, f"{name}_prime_from_output")(f(Z_AWAY), **{kw: p})
    # a + alpha loses the digits of alpha*exp(z) below eps*alpha: compare with that absolute floor
    np.testing.assert_allclose(from_out, prime(Z_AWAY), rtol=1e-14, atol=4 * np.finfo(float).eps * p)


def test_kink_convention_is_the_left_slope():
    assert R.leaky_relu_prime(np.array([0.0]), slope=0.3).tolist() == [0.3]
    assert R.elu_prime(np.array([0.0]), alpha=2.0).tolist() == [2.0]
    assert R.elu_prime(np.array([1e-300])).tolist() == [1.0]


@pytest.mark.parametrize("name", ["leaky_relu", "elu"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.complex128])
def test_dtype_is_kept(name, dtype):
    z = np.array([-1.5, 0.5], dtype=dtype)
    for fn in (getattr(R, name), getattr(R, f"{name}_prime"), getattr(R, f"{name}_prime_from_output")):
        assert fn(z).dtype == dtype


@pytest.mark.parametrize("name", ["leaky_relu", "elu"])
def test_no_warning_at_extreme_inputs(name):
    z = np.array([-1e308, -1e3, -1e-320, 0.0, 1e-320, 1e3, 1e308])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(over="raise", invalid="raise", divide="raise"):
            for fn in (getattr(R, name), getattr(R, f"{name}_prime")):
                assert np.all(np.isfinite(fn(z)))
                assert np.all(np.isfinite(fn(z + 1j * H)))


def test_integer_input_promoted():
    assert R.elu(np.array([-1, 2])).dtype == np.float64
    assert R.leaky_relu([3, -3]).tolist() == [3.0, -0.03]


@pytest.mark.parametrize(
    "name, kwargs, message",
    [
        ("leaky_relu", {"slope": -0.1}, r"slope must be a finite number >= 0, got -0.1"),
        ("leaky_relu", {"slope": float("inf")}, r"slope must be a finite number >= 0, got inf"),
        ("elu", {"alpha": 0.0}, r"alpha must be a finite number > 0, got 0.0"),
        ("elu", {"alpha": True}, r"alpha must be a finite number > 0, got True"),
    ],
)
def test_get_activation_rejects_bad_parameters(name, kwargs, message):
    with pytest.raises(ValueError, match=message):
        act.get_activation(name, **kwargs)


def test_get_activation_binds_the_parameter():
    leaky = act.get_activation("leaky_relu", slope=0.25)
    assert leaky.parameter == 0.25 and leaky.f(np.array([-4.0])).tolist() == [-1.0]
    assert leaky.prime(np.array([-4.0])).tolist() == [0.25]
    assert act.get_activation("leaky_relu") is act.ACTIVATIONS["leaky_relu"]
    assert act.get_activation("elu", alpha=1.0) is act.ACTIVATIONS["elu"]
    assert act.get_activation("tanh", slope=5.0) is act.ACTIVATIONS["tanh"]
    elu = act.get_activation("elu", alpha=3.0)
    np.testing.assert_allclose(elu.backprop(np.array([-1.0]), None, np.array([2.0])), [6 * np.exp(-1.0)])
