"""A float32 network whose loss is summed in float32 behind a float64 return: ``data -= Y[i, k] * math.log(p)``
with float32 targets stays float32 under NumPy 2's promotion (NEP 50), and ``np.array(total)`` hides it. An
independent soak (its own mpmath oracle, reliability-userforms.md) found the checker crashing there, its steps
halved below the float32 grid its points land on (ZeroDivisionError in a central difference), and failing the
correct gradient where it did not crash: the loss moves in float32 stairs even at float64 parameters, and a
float64 weight penalty beside them hides the stairs from the noise table at the float64 twin's own spacing.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.special import expit

from gradcheck import check_gradients


def _sig(z):
    return np.where(z >= 0, 1 / (1 + np.exp(-np.abs(z))), np.exp(-np.abs(z)) / (1 + np.exp(-np.abs(z))))


def _problem(seed=1924, sizes=(7, 2, 4, 3, 2), n=4, lam=1.0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, sizes[0])).astype(np.float32)
    Y = (rng.random((n, sizes[-1])) < 0.5).astype(np.float32)
    params = {}
    for layer, (a, b) in enumerate(zip(sizes[:-1], sizes[1:]), start=1):
        params[f"W{layer}"] = (rng.standard_normal((a, b)) * 3.0).astype(np.float32)
        params[f"b{layer}"] = np.zeros(b, dtype=np.float32)
    depth = len(sizes) - 1

    def forward(p):
        acts = [X]
        for layer in range(1, depth):
            acts.append(_sig(acts[-1] @ p[f"W{layer}"] + p[f"b{layer}"]))
        return acts, acts[-1] @ p[f"W{depth}"] + p[f"b{depth}"]

    def loss(p):
        _, S = forward(p)
        P, data = expit(S), 0.0
        for i in range(n):
            for k in range(S.shape[1]):  # float32 targets: every term, and the sum, stay float32
                data -= Y[i, k] * math.log(P[i, k]) + (1 - Y[i, k]) * math.log(1 - P[i, k])
        penalty = lam / (2 * n) * sum(np.sum(p[f"W{layer}"] ** 2) for layer in range(1, depth + 1))
        return np.array(data / n + penalty)

    def grad(p):
        acts, S = forward(p)
        delta, out = (expit(S) - Y) / n, {}
        for layer in range(depth, 0, -1):
            out[f"W{layer}"] = acts[layer - 1].T @ delta + lam / n * p[f"W{layer}"]
            out[f"b{layer}"] = delta.sum(axis=0)
            if layer > 1:
                a = acts[layer - 1]
                delta = (delta @ p[f"W{layer}"].T) * a * (1 - a)
        return out

    return loss, grad, params


def test_a_loss_summed_in_float32_gets_a_verdict_not_a_crash():
    loss, grad, params = _problem()
    report = check_gradients(loss, grad, params)
    assert report.status in ("pass", "fail", "inconclusive", "kink")


def test_a_loss_summed_in_float32_is_never_failed_when_its_gradient_is_right():
    loss, grad, params = _problem()
    assert check_gradients(loss, grad, params).status != "fail"


def _planted(grad, name, factor, params):
    """``grad`` with the largest entry of ``name`` multiplied by ``factor``."""
    j = int(np.argmax(np.abs(grad(params)[name]).ravel()))

    def planted(p):
        g = grad(p)
        flat = g[name].reshape(-1).copy()
        flat[j] *= factor
        g[name] = flat.reshape(g[name].shape)
        return g

    return planted


@pytest.mark.parametrize("name", ["b1", "b4"])
@pytest.mark.parametrize("factor", [1.01, 2.0])
def test_an_entry_off_by_a_percent_or_more_never_passes(name, factor):
    """The stairs' noise widens the error bars where it is measured, never past an error of 1e-2 at one entry."""
    loss, grad, params = _problem()
    assert check_gradients(loss, _planted(grad, name, factor, params), params).status != "pass"


@pytest.mark.parametrize("name", ["W1", "W4"])
def test_the_twins_steps_widen_with_its_noise_so_a_weight_off_by_a_percent_fails(name):
    """Differenced at the twin's own base step, the stairs left every planted weight inconclusive."""
    loss, grad, params = _problem()
    report = check_gradients(loss, _planted(grad, name, 1.01, params), params)
    assert report.status == "fail" and {f[0] for f in report.failures} == {name}
