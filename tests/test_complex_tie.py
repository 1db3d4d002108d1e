"""A ReLU unit at exactly 0 (zero biases, a dead sample) judged by the complex step both ways.

A 8-1-6-4 ReLU net at weights of 3e-3, zero biases, ``log(p + 1e-8)`` BCE
(``benchmarks/userforms.py``, a user form): the single first-layer unit is dead
for some samples, so their second-layer pre-activations are exactly 0, and each
b2 entry has a kink at the point; the live samples' units sit 1e-7 to 1e-4 from
theirs, inside every real step. The complex step (``np.maximum`` of a complex
tie takes the branch of the imaginary part's sign) gave the right slope, refine
the real slopes across the near kinks, and the correct b2 (``relu'(0) = 0``: the
left slope) was failed. Truth: the oracle's gradient (mpmath or np.longdouble,
``relu'(0) = 0``) is the left slope; the same with ``relu'(0) = 1`` at the exact
zeros, computed here by hand, is the right one.
"""

from __future__ import annotations

import sys
import warnings
from pathlib import Path

import numpy as np

from gradcheck import check_gradients

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
import userforms as uf  # noqa: E402

FORM = uf.Form((8, 1, 6, 4), ("relu", "relu"), "bce_eps", False, "float64", 64, 0.0032, 0.0, 50_035)


def _net():
    loss, grad, params = uf.build(FORM)
    params = {k: (np.zeros_like(v) if k.startswith("b") else v) for k, v in params.items()}
    return loss, grad, params


def _right_b2(params) -> np.ndarray:
    """b2's right slope: the exact-zero units of the dead samples switched on (relu'(0) = 1), by hand."""
    _, X, Y = uf.data(FORM)
    a1 = np.maximum(0, X @ params["W1"])
    z2 = a1 @ params["W2"]
    a2 = np.maximum(0, z2)
    p = 1 / (1 + np.exp(-(a2 @ params["W3"])))
    dp = -(Y / (p + uf.LOG_EPS) - (1 - Y) / (1 - p + uf.LOG_EPS)) / len(X)
    return ((dp * p * (1 - p)) @ params["W3"].T * (z2 >= 0)).sum(0)


def _check(grad, params, loss):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return check_gradients(loss, grad, params, seed=35, name_bugs=False)


def test_a_bias_at_a_tie_beside_near_kinks_is_kink_not_fail():
    loss, grad, params = _net()
    truth = uf.oracle(FORM, params).grad["b2"]
    right = _right_b2(params)
    assert np.allclose(grad(params)["b2"], truth, rtol=1e-9, atol=1e-15)  # the user's b2 is the left slope
    assert np.any(np.abs(right - truth) > 1e-6)  # ... and the right one differs: kinks at the point
    report = _check(grad, params, loss)
    assert report.status == "kink", report.summary()
    assert {t.name: t.status for t in report.tensors}["b2"] == "kink"


def test_a_bias_outside_both_slopes_at_a_tie_fails():
    loss, grad, params = _net()
    truth, right = uf.oracle(FORM, params).grad["b2"], _right_b2(params)
    k = int(np.argmax(np.abs(right - truth)))
    bad = uf.plant(grad, "b2", (k,), 0.0)
    wrong = 2 * right[k] - truth[k]  # beyond the right slope by the whole gap

    def outside(p):
        g = bad(p)
        g["b2"][k] = wrong
        return g

    report = _check(outside, params, loss)
    assert report.status == "fail"
    b2 = next(t for t in report.tensors if t.name == "b2")
    assert b2.status == "fail" and b2.worst_index == (k,)
