"""Many leaky-ReLU kinks nearer to the point than any real step: a correct gradient is never failed there.

Three leaky-ReLU layers at weights of 1.4e-3 with zero biases put every pre-activation of the third layer
within 1e-13 of zero: the one-sided slopes at every step float64 resolves are the slopes beyond all those
kinks and jump at the point as at one kink, with the right gradient outside them (before: a fail, named
``localized``; its b3 agrees with 50-digit mpmath to 2e-15). The complex step, each unit on its own side of its
kink, gives the gradient; a planted error it does not give still fails.
"""

from __future__ import annotations

import numpy as np

from gradcheck import check_gradients

SLOPE = 0.01


def _net(seed: int = 313):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((1, 22))
    Y = rng.standard_normal((3, 22))
    widths = [1, 1, 3, 14, 3]
    params = {}
    for i in range(1, len(widths)):
        params[f"W{i}"] = 1.3735e-3 * rng.standard_normal((widths[i], widths[i - 1]))
        params[f"b{i}"] = np.zeros((widths[i], 1))

    def forward(p):
        a, cache = X, []
        for i in range(1, len(widths)):
            z = p[f"W{i}"] @ a + p[f"b{i}"]
            cache.append((a, z))
            a = np.where(z > 0, z, SLOPE * z) if i < len(widths) - 1 else z
        return a, cache

    def loss(p):
        out, _ = forward(p)
        return np.mean((out - Y) ** 2).item()

    def grad(p):
        out, cache = forward(p)
        d = 2.0 * (out - Y) / out.size
        g = {}
        for i in range(len(widths) - 1, 0, -1):
            a, z = cache[i - 1]
            if i < len(widths) - 1:
                d = d * np.where(z > 0, 1.0, SLOPE)
            g[f"W{i}"], g[f"b{i}"] = d @ a.T, d.sum(axis=1, keepdims=True)
            d = p[f"W{i}"].T @ d
        return g

    return loss, grad, params


def test_a_correct_gradient_among_kinks_nearer_than_any_step_is_not_failed():
    loss, grad, params = _net()
    report = check_gradients(loss, grad(params), params)
    assert report.status != "fail", report
    b3 = next(t for t in report.tensors if t.name == "b3")
    assert b3.status in ("pass", "kink", "inconclusive") and "fail" not in b3.counts
    assert any("nearer to the point than any real step" in n for n in report.notes) or b3.status != "inconclusive"


def test_an_error_there_still_fails():
    loss, grad, params = _net()
    g = grad(params)
    g["b3"].reshape(-1)[int(np.argmax(np.abs(g["b3"])))] *= 1.1
    report = check_gradients(loss, g, params)
    assert report.status == "fail"
    assert next(t for t in report.tensors if t.name == "b3").status == "fail"
