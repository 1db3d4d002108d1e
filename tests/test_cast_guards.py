"""A loss with a guard, returned through np.float32(...): the recheck without the guard sees through the cast too.

The backward people write for ``log(p + 1e-7)`` is ``p - y``, the derivative of the loss without the epsilon; it
misses the guarded loss's derivative by about eps / p. Once the complex step sees through the loss's np.float32
cast (a twin judged complex-safe), the first check resolves that miss and fails it; the recheck against the loss
without its guard must see through the same cast, or it resolves nothing and the fail stands: a false fail on
correct code (an independently written 2-8-1 tanh net, batch 256, weights 0.01, failed so).
"""

from __future__ import annotations

import numpy as np

from gradcheck import check_gradients

RNG = np.random.default_rng(3)
X = RNG.normal(size=(256, 2))
Y = (RNG.random((256, 1)) < 0.5).astype(float)
PARAMS = {
    "W1": RNG.normal(0, 0.01, (2, 8)),
    "b1": RNG.normal(0, 0.01, 8),
    "W2": RNG.normal(0, 0.01, (8, 1)),
    "b2": RNG.normal(0, 0.01, 1),
}


def _forward(p):
    h = np.tanh(X @ p["W1"] + p["b1"])
    return h, 1 / (1 + np.exp(-(h @ p["W2"] + p["b2"])))


def loss(p):
    _, q = _forward(p)
    return np.float32(-np.mean(Y * np.log(q + 1e-7) + (1 - Y) * np.log(1 - q + 1e-7)))


def grad(p):
    h, q = _forward(p)
    d2 = (q - Y) / len(X)
    d1 = (d2 @ p["W2"].T) * (1 - h**2)
    return {"W1": X.T @ d1, "b1": d1.sum(0), "W2": h.T @ d2, "b2": d2.sum(0)}


def test_the_shortcut_gradient_of_a_guarded_float32_loss_passes_against_the_loss_without_its_guard():
    report = check_gradients(loss, grad, PARAMS, seed=0)
    assert report.status == "pass", report.summary()
    assert any("checked against the loss without the 1e-07" in n for n in report.notes), report.notes


def test_a_missing_one_over_n_there_still_fails():
    bad = lambda p: {**grad(p), "b2": grad(p)["b2"] * len(X)}  # noqa: E731
    report = check_gradients(loss, bad, PARAMS, seed=0)
    assert report.status == "fail" and report.tensor("b2").status == "fail", report.summary()
