"""Bugs written by hand, outside the zoo, diagnosed through the public API only.

Each net here is plain numpy (no reference_nets), at a configuration the zoo does not
use; gradcheck must find the network behind the loss by itself and name the bug.
"""

import numpy as np
import pytest

from gradcheck import check_gradients

RNG = np.random.default_rng(2024)
X = RNG.standard_normal((12, 4))
T = (RNG.random((12, 3)) > 0.5).astype(float)
P = {
    "W1": RNG.standard_normal((4, 6)) * 0.7,
    "b1": RNG.standard_normal(6) * 0.1,
    "W2": RNG.standard_normal((6, 6)) * 0.5,
    "b2": RNG.standard_normal(6) * 0.1,
    "W3": RNG.standard_normal((6, 3)) * 0.5,
    "b3": RNG.standard_normal(3) * 0.1,
}


def sig(z):
    return 1 / (1 + np.exp(-z))


def loss(p):  # 4-6-6-3, tanh / sigmoid hidden, sigmoid output, MSE over all entries
    a1 = np.tanh(X @ p["W1"] + p["b1"])
    a2 = sig(a1 @ p["W2"] + p["b2"])
    y = sig(a2 @ p["W3"] + p["b3"])
    return np.mean((y - T) ** 2)


def grad(p, bug=None):
    z1 = X @ p["W1"] + p["b1"]
    a1 = np.tanh(z1)
    z2 = a1 @ p["W2"] + p["b2"]
    a2 = sig(z2)
    z3 = a2 @ p["W3"] + p["b3"]
    y = sig(z3)
    dy = 2 * (y - T) / T.size
    if bug == "sum_over_batch":
        dy = dy * len(X)
    if bug == "sign":
        dy = -dy
    d3 = dy * (y * (1 - y)) if bug != "no_output_prime" else dy
    if bug == "output_prime_at_y":
        d3 = dy * sig(y) * (1 - sig(y))
    g = {"W3": a2.T @ d3, "b3": d3.sum(0)}
    da2 = d3 @ p["W3"].T
    d2 = da2 * (a2 * (1 - a2))
    if bug == "sigmoid_form_on_z":
        d2 = da2 * (z2 * (1 - z2))
    g["W2"] = a1.T @ d2 if bug != "dw_from_z" else z1.T @ d2
    g["b2"] = d2.sum(0) if bug != "first_row" else d2[0].copy()
    da1 = d2 @ p["W2"].T
    d1 = da1 * (1 - np.tanh(a1) ** 2) if bug == "tanh_at_a" else da1 * (1 - a1**2)
    if bug == "no_tanh_prime":
        d1 = da1
    g["W1"], g["b1"] = X.T @ d1, d1.sum(0)
    if bug == "transpose":
        g["W2"] = g["W2"].T
    return g


@pytest.mark.parametrize(
    "bug, code",
    [
        ("tanh_at_a", "derivative_at_activation"),
        ("output_prime_at_y", "derivative_at_activation"),
        ("sigmoid_form_on_z", "derivative_at_preactivation"),
        ("no_tanh_prime", "missing_activation_derivative"),
        ("no_output_prime", "missing_activation_derivative"),
        ("sign", "sign_flip"),
        ("sum_over_batch", "missing_batch_mean"),
        ("dw_from_z", "wrong_cached_tensor"),
        ("first_row", "bias_not_summed"),
        ("transpose", "transposed"),
    ],
)
def test_hand_written_bug_is_caught_and_named(bug, code):
    report = check_gradients(loss, lambda p: grad(p, bug), P)
    assert report.status == "fail"
    assert report.diagnoses and report.diagnoses[0].code == code, [(d.code, d.message) for d in report.diagnoses]


def test_hand_written_correct_net_passes_without_diagnosis():
    for mode in ("auto", "full"):
        report = check_gradients(loss, grad, P, mode=mode)
        assert report.status == "pass" and report.diagnoses == ()
