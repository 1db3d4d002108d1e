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


def test_textbook_backward_fails_and_the_epsilon_is_named():
    report = check_gradients(loss, textbook, PARAMS, seed=1)
    assert report.status == "fail"
    named = _named(report)
    assert len(named) == 1 and "log(p + 1e-08)" in named[0] and "np.logaddexp" in named[0]


def test_the_gradient_with_the_epsilon_passes():
    assert check_gradients(loss, exact, PARAMS, seed=1).status == "pass"


@pytest.mark.parametrize("bug", [sign_flipped, one_percent_off])
def test_a_real_bug_is_not_blamed_on_the_epsilon(bug):
    report = check_gradients(loss, bug, PARAMS, seed=1)
    assert report.status == "fail"
    assert not _named(report)
