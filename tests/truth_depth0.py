"""Truth cases for the one-layer examples (logistic, softmax and linear regression, a reference net of depth 0):
each file's claimed gradient, and its loss written here again from the textbook formula, independently of the
file and of the project's gradient code, evaluated in np.longdouble, for central differences in
tests/test_examples_truth.py.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np

FOLDER = Path(__file__).resolve().parents[1] / "examples" / "submissions"
RNG = np.random.default_rng(17)
X = RNG.normal(size=(9, 3))
LONG = np.longdouble


def _module(rel: str):
    spec = importlib.util.spec_from_file_location(rel[:-3], FOLDER / rel)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)  # the files define and never train at import
    return mod


def _long(*arrays):
    return [np.asarray(a, dtype=LONG) for a in arrays]


def _logistic(rel: str):
    """Mean over the samples of -(y log p + (1 - y) log(1 - p)), p = 1 / (1 + exp(-(X W + b)))."""
    net = _module(rel).LogisticRegression(3)
    Y = (RNG.random((9, 1)) > 0.5).astype(float)
    claimed = net.backward(X, Y)

    def loss():
        W, b, x, y = _long(net.W, net.b, X, Y)
        p = 1 / (1 + np.exp(-(x @ W + b)))
        return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))

    return [net.W, net.b], list(claimed), loss, ["W", "b"]


def _softmax(rel: str):
    """Mean over the samples of -log of the probability of the sample's class (integer labels)."""
    m = _module(rel)
    P = m.init_params(3, 4)
    y = RNG.integers(0, 4, size=9)
    claimed = m.gradients(X, y, P)

    def loss():
        W, b, x = _long(P["W"], P["b"], X)
        z = x @ W + b
        logp = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
        return float(-np.mean(logp[np.arange(9), y]))

    return [P["W"], P["b"]], [claimed["W"], claimed["b"]], loss, ["W", "b"]


def _linear(rel: str):
    """Mean over the samples of (X w + b - y)**2, one target (the class's default)."""
    net = _module(rel).LinearRegression(3)
    Y = RNG.normal(size=(9, 1))
    claimed = net.gradients(X, Y)

    def loss():
        w, b, x, y = _long(net.w, net.b, X, Y)
        return float(np.mean((x @ w + b - y) ** 2))

    return [net.w, net.b], list(claimed), loss, ["w", "b"]


DEPTH0_CASES = {
    "logistic_regression_correct.py": lambda: _logistic("logistic_regression_correct.py"),
    "logistic_regression_no_mean_bug.py": lambda: _logistic("logistic_regression_no_mean_bug.py"),
    "softmax_regression_int_labels_correct.py": lambda: _softmax("softmax_regression_int_labels_correct.py"),
    "softmax_regression_int_labels_sign_bug.py": lambda: _softmax("softmax_regression_int_labels_sign_bug.py"),
    "linear_regression_correct.py": lambda: _linear("linear_regression_correct.py"),
    "linear_regression_factor_two_bug.py": lambda: _linear("linear_regression_factor_two_bug.py"),
}
