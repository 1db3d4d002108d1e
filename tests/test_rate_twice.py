"""An update that applies the learning rate twice (``dW = lr * X.T @ d``, then ``W -= lr * dW``) is read as
(before - after) / lr**2 and failed as ``learning_rate_twice``, a bug of its gradient named after it; an update
that is not linear in the rate for another reason (a layer updated before the gradient passes back through it)
is not taken for one."""

from __future__ import annotations

import numpy as np
import pytest
from audit_example import audit_source

from gradcheck.audit.adapters.readers import squaredrate
from gradcheck.audit.adapters.step import Step1

NET = """import numpy as np


class Net:
    def __init__(self, n_in, n_hidden, n_out):
        rng = np.random.default_rng(0)
        self.W1 = rng.normal(0, 0.5, (n_in, n_hidden))
        self.b1 = np.zeros(n_hidden)
        self.W2 = rng.normal(0, 0.5, (n_hidden, n_out))
        self.b2 = np.zeros(n_out)

    def forward(self, X):
        self.h = np.tanh(X @ self.W1 + self.b1)
        return self.h @ self.W2 + self.b2

    def loss(self, X, y):
        return np.mean((self.forward(X) - y) ** 2)

    def train_step(self, X, y, lr):
        out = self.forward(X)
        d = 2 * (out - y) / len(X)
        dW2 = RATE * self.h.T @ d
        db2 = RATE * d.sum(axis=0)
        dh = d @ self.W2.T * (1 - self.h ** 2)
        dW1 = RATE * X.T @ dh
        db1 = RATE * dh.sum(axis=0)
        self.W2 -= lr * dW2
        self.b2 -= lr * db2
        self.W1 -= lr * dW1
        self.b1 -= lr * db1
"""


def _net(rate: str, source: str = NET) -> str:
    return source.replace("RATE * ", rate)


def test_the_rate_applied_once_passes(tmp_path):
    s = audit_source(tmp_path, "once.py", _net(""))
    assert s["status"] == "pass", (s["error"], s["diagnoses"])


def test_the_rate_applied_twice_is_named(tmp_path):
    s = audit_source(tmp_path, "twice.py", _net("lr * "))
    assert s["status"] == "fail", s["error"]
    assert s["diagnoses"][0]["code"] == "learning_rate_twice", s["diagnoses"]
    assert all(t["status"] == "pass" for t in s["tensors"]), s["tensors"]  # the gradient itself is right


def test_the_rate_twice_beside_a_wrong_derivative_names_both(tmp_path):
    source = _net("lr * ").replace("(1 - self.h ** 2)", "(1 - np.tanh(self.h) ** 2)")
    s = audit_source(tmp_path, "both.py", source)
    assert s["status"] == "fail", s["error"]
    codes = [d["code"] for d in s["diagnoses"]]
    assert codes[0] == "learning_rate_twice" and "derivative_at_activation" in codes, codes


def test_a_layer_updated_before_passing_back_is_no_rate_twice(tmp_path):
    # W2 is stepped before dh is computed through it: the step is lr * (g + lr * c), not lr**2 * g
    source = _net("").replace("        dh = d @ self.W2.T", "        self.W2 -= lr * dW2\n        dh = d @ self.W2.T")
    source = source.replace("        self.W2 -= lr * dW2\n        self.b2 -= lr * db2", "        self.b2 -= lr * db2")
    assert source.count("self.W2 -= lr * dW2") == 1
    s = audit_source(tmp_path, "early.py", source)
    assert "learning_rate_twice" not in [d["code"] for d in s["diagnoses"]], s["diagnoses"]
    assert s["status"] == "error" and "not linear" in s["error"], s["error"]


def _step(before, after) -> Step1:
    return Step1(root=None, before=before, after=after, ret=None, out=None, lr_via=None, columns=False)


@pytest.mark.parametrize(
    "move, expected",
    [
        (lambda g, lr: lr * lr * g, True),  # the rate twice
        (lambda g, lr: lr * g, False),  # plain gradient descent
        (lambda g, lr: lr * (g + lr * 0.3 * g[::-1]), False),  # updated before passing back
        (lambda g, lr: 0 * g, False),  # no step
    ],
)
def test_squared_reads_only_a_step_quadratic_in_the_rate(move, expected):
    w, g = np.linspace(-1, 1, 6), np.linspace(0.2, -0.4, 6)
    rates = squaredrate.rates(1e-3)
    steps = [_step([w], [w - move(g, r)]) for r in rates]
    assert squaredrate.squared(steps, rates, 1e-9) is expected
    if expected:
        np.testing.assert_allclose(squaredrate.read(steps[0].before, steps[0].after, rates[0])[0], g, rtol=1e-9)


def test_a_step_rounded_coarser_than_it_tells_nothing():
    # float32-like rounding of the weights (tolerance 0.1 of the reading): no verdict of a squared rate from it
    w, g = np.linspace(-1, 1, 6), np.linspace(0.2, -0.4, 6)
    rates = squaredrate.rates(1e-3)
    steps = [_step([w], [w - r * r * g]) for r in rates]
    assert squaredrate.squared(steps, rates, 0.1 * 0.4) is False
