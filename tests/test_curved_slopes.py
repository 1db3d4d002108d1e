"""One-sided slopes apart by curvature are no kink: a small entry beside a large curvature.

A softmax output bias whose gradient is 2e-6 (balanced classes: a mean of ``P - Y`` that
nearly cancels) sits beside a curvature ``p (1 - p) / N`` of ~0.06: at the real second
opinion's steps its one-sided slopes are ~17% apart, ``h L''``. They bracket the true
derivative, and an entry off by 1% just as well; the Richardson values, which remove that
curvature, converge to 1e-10. The loss is written as users write it (a loop of ``math.log``,
returned as ``float``: no complex step), so only real differences judge it.
"""

import math
import warnings

import numpy as np
from scipy.optimize import brentq

from gradcheck import check_gradients

RNG = np.random.default_rng(5)
N, D, H, K = 4, 3, 6, 2
X = RNG.normal(size=(N, D))
LABELS = np.array([0, 1, 0, 1])
START = {"W1": RNG.normal(0, 0.5, (D, H)), "b1": np.zeros(H), "W2": RNG.normal(0, 0.5, (H, K)), "b2": np.zeros(K)}


def _probs(p, dtype=float):
    a = np.tanh(X.astype(dtype) @ p["W1"].astype(dtype) + p["b1"].astype(dtype))
    z = a @ p["W2"].astype(dtype) + p["b2"].astype(dtype)
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return a, e / e.sum(axis=1, keepdims=True)


def loss(p):
    _, P = _probs(p)
    return float(sum(-math.log(P[i, LABELS[i]]) for i in range(N)) / N)


def grad(p):
    a, P = _probs(p)
    d = P.copy()
    d[range(N), LABELS] -= 1
    d /= N
    da = d @ p["W2"].T * (1 - a**2)
    return {"W1": X.T @ da, "b1": da.sum(0), "W2": a.T @ d, "b2": d.sum(0)}


def _point(target=2e-6):
    def off(s):
        return grad({**START, "b2": np.array([0.0, s])})["b2"][1] - target

    return {**START, "b2": np.array([0.0, brentq(off, -3, 3)])}


def _check(g):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return check_gradients(loss, g, _point(), seed=0)


def test_the_entry_is_small_and_the_gradient_right_by_an_independent_oracle():
    p = _point()
    _, P = _probs(p, np.longdouble)  # the bias's derivative in closed form, mean(P - Y), in extended precision
    exact = (P - np.eye(K, dtype=np.longdouble)[LABELS]).mean(axis=0)
    assert abs(float(exact[1]) - 2e-6) < 1e-12
    assert np.allclose(grad(p)["b2"], exact.astype(float), rtol=1e-9, atol=0)


def test_the_right_gradient_passes_and_one_off_by_a_percent_fails_not_kink():
    assert _check(grad).status == "pass"

    def planted(p):
        out = grad(p)
        out["b2"] = out["b2"] * np.array([1.0, 1.01])
        return out

    report = _check(planted)
    assert report.status == "fail"  # was kink: the slopes' 17% bracket held it
    assert {t.name: t.status for t in report.tensors}["b2"] == "fail"
