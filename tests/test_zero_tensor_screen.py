"""A tensor whose gradient is exactly zero, under a loss that real differences must judge.

Huber through ``np.where(np.abs(r) < delta, ...)`` with both residuals in the
linear branch, half each way: the last bias's derivative is ``(2 delta - 2 delta) / 4
= 0`` exactly (by hand), and the loss is flat along it. Its screen reads 0 within
the loss's rounding, and with no entry of its own to measure against it was
called blind ("a gradient of zeros would pass unseen"): ``inconclusive`` on a
correct net. It is measured against ``rtol`` of the gradient's largest entry
instead; a bias whose true derivative is not zero, returned as zeros, still fails, also where
the complex step reads 0 everywhere (no real estimate that is merely small shows the loss flat).
"""

from __future__ import annotations

import numpy as np
import pytest

from gradcheck import check_gradients

DELTA = 0.1


def _net(targets):
    rng = np.random.default_rng(11)
    X = rng.standard_normal((len(targets), 3))
    Y = np.array(targets, dtype=float).reshape(-1, 1)
    P = {"W1": 0.5 * rng.standard_normal((3, 4)), "b1": np.zeros(4), "W2": 0.5 * rng.standard_normal((4, 1))}
    P["b2"] = np.zeros(1)

    def forward(p):
        a = 1 / (1 + np.exp(-(X @ p["W1"] + p["b1"])))
        return a, a @ p["W2"] + p["b2"]

    def loss(p):
        r = forward(p)[1] - Y
        return np.mean(np.where(np.abs(r) < DELTA, 0.5 * r**2, DELTA * (np.abs(r) - 0.5 * DELTA)))

    def grad(p):
        a, out = forward(p)
        d = np.clip(out - Y, -DELTA, DELTA) / Y.size
        da = (d @ p["W2"].T) * a * (1 - a)
        return {"W1": X.T @ da, "b1": da.sum(0), "W2": a.T @ d, "b2": d.sum(0)}

    return P, loss, grad


def test_a_bias_whose_gradient_is_exactly_zero_passes():
    P, loss, grad = _net([3.1, -2.7, 2.3, -3.3])  # residuals about -3 and +3: the linear branch, half each way
    assert grad(P)["b2"][0] == 0.0
    report = check_gradients(loss, grad, P)
    assert report.status == "pass", [(t.name, t.status) for t in report.tensors] + list(report.notes)


@pytest.mark.parametrize("targets", [[3.1, 2.7, 2.3, 3.3], [3.0, 3.0]])
def test_a_bias_returned_as_zeros_where_its_gradient_is_not_still_fails(targets):
    # every residual about -3: the bias's derivative is -DELTA, and the complex step reads 0 on every
    # tensor (np.abs drops its imaginary part). With two samples, the real derivative along the combined
    # direction (the zeroed bias weighted most) came out below half the gradient's, and that was taken
    # as the loss shown flat: the complex step was trusted, and the zeroed bias passed its screen
    P, loss, grad = _net(targets)

    def zeroed(p):
        return {**grad(p), "b2": np.zeros(1)}

    assert abs(grad(P)["b2"][0] + DELTA) < 1e-12
    report = check_gradients(loss, zeroed, P)
    assert report.status == "fail"
    assert [t.name for t in report.tensors if t.status == "fail"] == ["b2"]
