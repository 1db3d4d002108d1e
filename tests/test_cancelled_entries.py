"""Entries float64 leaves only the rounding of: a hidden bias whose gradient cancels to 1e-19.

A multiclass hinge loss on a sigmoid network at weights of 2e-3: each sample's output delta
is +-1 per class, the hidden layers' sigmoid' is 0.25 to many digits, and a hidden bias's
gradient is what is left of terms of 1e-4 cancelling over the batch, 1e-19 beside an output
gradient of 0.5. The user's float64 gradient and the float64 complex step of the loss both
keep only the rounding of those terms (up to 20% of the entry); the gradient code run in
``np.longdouble`` and the complex step in ``np.clongdouble`` agree. Such an entry is no bug.
"""

from __future__ import annotations

import numpy as np

from gradcheck import check_gradients

SIZES, SCALE, N = (1, 39, 44, 29, 2), 0.002008, 16


def _hinge_net(seed: int = 7_100_135):
    rng = np.random.default_rng(seed)
    P = {}
    for i, (a, b) in enumerate(zip(SIZES[:-1], SIZES[1:]), 1):
        P[f"W{i}"] = rng.standard_normal((a, b)) * SCALE / np.sqrt(a)
        P[f"b{i}"] = np.zeros(b) if rng.random() < 0.5 else 0.1 * rng.standard_normal(b)
    X = rng.standard_normal((N, SIZES[0]))
    labels = rng.integers(0, SIZES[-1], N)
    rows, L = np.arange(N), len(SIZES) - 1

    def forward(P):
        a, acts = X, [X]
        for i in range(1, L + 1):
            z = a @ P[f"W{i}"] + P[f"b{i}"]
            a = 1 / (1 + np.exp(-z)) if i < L else z
            acts.append(a)
        return acts

    def loss(P):
        s = forward(P)[-1]
        m = np.maximum(0, s - s[rows, labels][:, None] + 1.0)
        m[rows, labels] = 0
        return np.sum(m) / N

    def grad(P, factor=1.0):
        acts = forward(P)
        s = acts[-1]
        d = (s - s[rows, labels][:, None] + 1.0 > 0).astype(s.dtype)
        d[rows, labels] = 0
        d[rows, labels] = -d.sum(axis=1)
        d = d / N
        G = {}
        for i in range(L, 0, -1):
            G[f"W{i}"] = acts[i - 1].T @ d
            G[f"b{i}"] = d.sum(axis=0)
            if i > 1:
                h = acts[i - 1]
                d = (d @ P[f"W{i}"].T) * h * (1 - h)
        G["b3"] = factor * G["b3"]
        return G

    return P, loss, grad


def test_a_bias_gradient_cancelled_to_float64_rounding_is_not_failed():
    P, loss, grad = _hinge_net()
    g = grad(P)["b3"]
    assert np.max(np.abs(g)) < 1e-16 < np.max(np.abs(grad(P)["W4"]))  # the entries are what cancelling left
    report = check_gradients(loss, grad, P)
    assert report.status != "fail", [(t.name, t.status) for t in report.tensors]
    assert {t.name: t.status for t in report.tensors}["b3"] in ("pass", "inconclusive")


def test_the_same_bias_doubled_is_still_not_passed():
    P, loss, grad = _hinge_net()
    report = check_gradients(loss, lambda q: grad(q, 2.0), P)
    assert {t.name: t.status for t in report.tensors}["b3"] in ("fail", "inconclusive")
    assert report.status != "pass"
