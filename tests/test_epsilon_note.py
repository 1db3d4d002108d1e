"""The note naming an epsilon added inside a log (``log(p + 1e-8)``) as the cause of a small, uniform miss.

A sigmoid net with BCE written ``-mean(y log(p + 1e-8) + (1 - y) log(1 - p + 1e-8))`` and the
textbook backward ``(p - y) / N`` (the derivative of the loss without the epsilon): every entry is
off by about ``1e-8 / p``. The truth is a second, hand-derived formula (the derivative with the
epsilon), not this project's code.
"""

from __future__ import annotations

import numpy as np
import pytest

from gradcheck import check_gradients
from gradcheck.epsilon import added_epsilons

RNG = np.random.default_rng(5)
X = RNG.normal(size=(16, 3))
Y = (RNG.random(16) < 0.5).astype(float)
PARAMS = {"w": RNG.normal(size=3) * 2.0, "b": np.array([0.3])}


def loss(p):
    s = 1.0 / (1.0 + np.exp(-(X @ p["w"] + p["b"])))
    return -np.mean(Y * np.log(s + 1e-8) + (1 - Y) * np.log(1 - s + 1e-8))


def _dz(p, exact: bool):
    s = 1.0 / (1.0 + np.exp(-(X @ p["w"] + p["b"])))
    if not exact:
        return (s - Y) / Y.size  # the textbook backward: the derivative of log(p), not of log(p + 1e-8)
    return (-Y * s * (1 - s) / (s + 1e-8) + (1 - Y) * s * (1 - s) / (1 - s + 1e-8)) / Y.size


def textbook(p):
    dz = _dz(p, exact=False)
    return {"w": X.T @ dz, "b": np.array([dz.sum()])}


def exact(p):
    dz = _dz(p, exact=True)
    return {"w": X.T @ dz, "b": np.array([dz.sum()])}


def sign_flipped(p):
    g = textbook(p)
    return {"w": -g["w"], "b": g["b"]}


def one_percent_off(p):
    g = exact(p)  # the right gradient of the loss as written, one entry 1% off: a bug, not the epsilon
    g["w"] = g["w"].copy()
    g["w"][0] *= 1.01
    return g


def _named(report):
    return [n for n in report.notes if "inside a log explains" in n]


def test_the_epsilon_is_found_in_the_source():
    assert added_epsilons(loss) == [1e-8]
    assert added_epsilons(lambda p: np.log(p["w"] + 0.5).sum()) == []  # a deliberate constant, not an epsilon
    assert added_epsilons(np.sum) == []  # no Python source


def test_textbook_backward_passes_against_the_loss_without_the_epsilon():
    """The textbook backward misses the loss as written by ~1e-8/p: a guard, verified and said, not a bug."""
    miss = max(float(np.max(np.abs(textbook(PARAMS)[k] - exact(PARAMS)[k]) / np.abs(exact(PARAMS)[k]))) for k in PARAMS)
    assert miss > 1.5e-8  # beyond float64's rtol: the loss as written is not what this backward differentiates
    report = check_gradients(loss, textbook, PARAMS, seed=1)
    assert report.status == "pass"
    verified = [n for n in report.notes if n.startswith("checked against the loss without the 1e-08")]
    assert len(verified) == 1 and "np.logaddexp" in verified[0]


def test_an_epsilon_held_in_a_variable_is_found_when_the_loss_runs():
    eps = 1e-9
    X2 = RNG.normal(size=(12, 4))
    labels = RNG.integers(0, 3, 12)
    onehot = np.eye(3)[labels]
    w0 = {"W": RNG.normal(size=(4, 3)) * 3.0}

    def softmax_ce(p):
        z = X2 @ p["W"]
        e = np.exp(z - z.max(axis=1, keepdims=True))
        probs = e / e.sum(axis=1, keepdims=True)
        return float(-np.mean(np.sum(onehot * np.log(probs + eps), axis=1)))

    def backward(p, bug=1.0):
        z = X2 @ p["W"]
        e = np.exp(z - z.max(axis=1, keepdims=True))
        g = X2.T @ ((e / e.sum(axis=1, keepdims=True) - onehot) / len(X2))
        g[0, 0] *= bug
        return {"W": g}

    assert added_epsilons(softmax_ce) == []  # not a literal: the source alone cannot tell
    report = check_gradients(softmax_ce, backward, w0, seed=0)
    assert report.status == "pass" and any("without the 1e-09" in n for n in report.notes)
    planted = check_gradients(softmax_ce, lambda p: backward(p, 1 + 1e-6), w0, seed=0)
    assert planted.status == "fail"
    assert [(name, e.index) for name, e in planted.failures] == [("W", (0, 0))]  # only the planted entry


def test_the_gradient_with_the_epsilon_passes():
    assert check_gradients(loss, exact, PARAMS, seed=1).status == "pass"


@pytest.mark.parametrize("bug", [sign_flipped, one_percent_off])
def test_a_real_bug_is_not_blamed_on_the_epsilon(bug):
    report = check_gradients(loss, bug, PARAMS, seed=1)
    assert report.status == "fail"
    assert not _named(report)
