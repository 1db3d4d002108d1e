"""A loss that drops the imaginary part (np.abs of a complex residual) is not trusted to the complex step.

Written as users write a robust loss: Huber through ``np.where(np.abs(r) < 1, ...)``.
Given complex parameters, ``np.abs`` returns the modulus, so every residual in the
linear branch adds nothing to the imaginary part and the complex step reads 0 there.
At tiny weights the gradient (~1e-11) is below what real differences resolve, so the
complex-safety probes saw the real side "agree" with that 0 within its error bar and
trusted it: a correct gradient was failed. Truth here is the closed-form gradient of
a net small enough to differentiate by hand; ground truth for the scale of the
problem came from 40-digit mpmath differences on held-out nets of the same kind.
"""

from __future__ import annotations

import numpy as np
import pytest

from gradcheck import check_gradients

SIZES = (6, 12, 10, 8, 1)


def _net(scale: float, n: int, seed: int = 3):
    rng = np.random.default_rng(seed)
    P = {}
    for i, (a, b) in enumerate(zip(SIZES[:-1], SIZES[1:]), 1):
        P[f"W{i}"] = rng.standard_normal((a, b)) * scale / np.sqrt(a)
        P[f"b{i}"] = np.zeros(b)
    X = rng.standard_normal((n, SIZES[0]))
    L = len(SIZES) - 1
    Y = 2.0 + rng.random((n, 1))  # every residual beyond 1: the linear branch of the Huber loss

    def forward(P):
        a, acts = X, [X]
        for i in range(1, L):
            a = 1 / (1 + np.exp(-(a @ P[f"W{i}"] + P[f"b{i}"])))
            acts.append(a)
        return acts, a @ P[f"W{L}"] + P[f"b{L}"]

    def loss(P):
        r = forward(P)[1] - Y
        return np.mean(np.where(np.abs(r) < 1, 0.5 * r**2, np.abs(r) - 0.5))

    def grad(P):
        acts, out = forward(P)
        d = np.clip(out - Y, -1, 1) / out.size
        G = {}
        for i in range(L, 0, -1):
            G[f"W{i}"], G[f"b{i}"] = acts[i - 1].T @ d, d.sum(axis=0)
            if i > 1:
                d = (d @ P[f"W{i}"].T) * acts[i - 1] * (1 - acts[i - 1])
        return G

    return P, loss, grad


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_a_correct_huber_gradient_too_small_to_resolve_is_not_failed(seed):
    P, loss, grad = _net(scale=3e-3, n=1, seed=seed)  # each failed before, with the complex step trusted
    report = check_gradients(loss, grad, P)
    assert report.status != "fail", [(t.name, t.status, t.analytic, t.numeric) for t in report.tensors]
    assert any("complex step not used" in note for note in report.notes), report.notes


def test_a_bug_in_a_huber_net_at_ordinary_weights_is_still_failed():
    P, loss, grad = _net(scale=1.0, n=8)

    def doubled(P):
        G = grad(P)
        G["W2"] = 2 * G["W2"]
        return G

    assert check_gradients(loss, grad, P).status == "pass"
    report = check_gradients(loss, doubled, P)
    assert report.status == "fail"
    assert [t.name for t in report.tensors if t.status == "fail"] == ["W2"]
