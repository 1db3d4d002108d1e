"""The measured-noise model: ECnoise, the loss's noise, the extended-precision twins, the conditioning note."""

import numpy as np
import pytest

from gradcheck import conditioning
from gradcheck import noise as ns
from gradcheck import numeric as nm
from gradcheck.problem import Problem


@pytest.mark.parametrize("sigma", [1e-12, 1e-9, 1e-6])
def test_ecnoise_recovers_the_noise_of_a_smooth_function(sigma):
    rng = np.random.default_rng(3)
    estimates = []
    for _ in range(40):
        t = np.arange(7) * 1e-3
        values = 2.0 + np.sin(t) + sigma * rng.standard_normal(7)
        estimates.append(ns.ecnoise(values))
    assert 0.5 * sigma < np.median(estimates) < 2.0 * sigma


def test_ecnoise_of_exact_values_is_zero_and_of_infinite_ones_inf():
    assert ns.ecnoise(np.arange(7) * 0.5) == 0.0
    assert ns.ecnoise([1.0, 2.0, np.inf, 3.0, 4.0, 5.0, 6.0]) == float("inf")


def _cancelling(p):
    """BCE from probabilities at a saturated logit: log(1 - p) with p = 1 - 1e-11."""
    z = 25.0 + p["w"][0] * np.array([1.0, 0.5, -0.3])
    prob = 1 / (1 + np.exp(-z))
    return float(-np.mean(np.log(1 - prob)))


def _stable(p):
    z = 25.0 + p["w"][0] * np.array([1.0, 0.5, -0.3])
    return float(np.mean(np.logaddexp(0.0, z)))


def test_the_loss_noise_of_a_cancelling_loss_is_far_above_the_model_and_a_stable_one_is_not():
    params = {"w": np.array([0.3])}
    noisy = ns.loss_noise(nm.Oracle(Problem.create(_cancelling, None, params)))
    quiet = ns.loss_noise(nm.Oracle(Problem.create(_stable, None, params)))
    assert noisy.excess > ns.NOISY and noisy.digits_lost > 2
    assert quiet.excess < ns.NOISY


def test_the_extended_twin_of_a_cancelling_loss_is_quieter():
    params = {"w": np.array([0.3])}
    problem = Problem.create(_cancelling, None, params)
    ext = problem.extended()
    assert ext is not None and ext.dtype == np.longdouble
    exact = _stable(params)  # the same loss without the cancellation
    assert abs(float(ext.base_loss()) - exact) < abs(problem.base_loss() - exact) / 100


def test_the_complex_step_in_extended_precision_sees_through_the_cancellation():
    def loss(p):  # complex-safe, no float() cast: log(1 - p) of a saturated sigmoid
        z = 25.0 + p["w"] * np.array([1.0, 0.5, -0.3])
        return -np.mean(np.log(1 - 1 / (1 + np.exp(-z))))

    params = {"w": np.array([0.3])}
    o = nm.Oracle(Problem.create(loss, None, params))
    c = np.array([1.0, 0.5, -0.3])
    exact = np.mean(c / (1 + np.exp(-(25.0 + 0.3 * c))))  # d/dw of -log(1 - sigmoid(z)) is sigmoid(z) dz/dw
    c64 = nm.complex_step(o, "w", 0).value
    cext = nm.complex_step_extended(o, "w", 0).value
    assert abs(cext - exact) < abs(c64 - exact) / 100


def test_the_trace_names_the_saturated_sample_and_output():
    X = np.array([[0.1], [3.0], [-0.2]])
    params = {"W": np.array([[9.0, 0.1]])}

    def loss(p):
        prob = 1 / (1 + np.exp(-(X @ p["W"])))
        return float(-np.mean(np.log(1 - prob)))

    found = conditioning.trace(loss, params)
    assert found is not None and found.where() == "sample 1, output 0" and found.digits > 10


def test_the_trace_gives_up_quietly_on_a_loss_that_refuses_wrapped_arrays():
    def picky(p):
        if type(p["w"]) is not np.ndarray:
            raise TypeError("plain arrays only")
        return float(np.sum(p["w"]))

    assert conditioning.trace(picky, {"w": np.ones(3)}) is None


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.longdouble])
def test_the_noise_direction_is_max_one_abs_w_with_the_draws_sign(dtype):
    w = (np.random.default_rng(3).standard_normal((40, 7)) * 3).astype(dtype)
    before = w.copy()
    move = ns._random_move(np.random.default_rng(5), w)
    draw = np.random.default_rng(5).random(w.shape)
    expected = np.where(draw < 0.5, -1.0, 1.0) * np.maximum(1.0, np.abs(w.astype(np.float64)))
    assert move.dtype == np.float64 and np.array_equal(move, expected)
    assert np.array_equal(w, before)
