"""Truth cases for the two-bug examples whose bugs feed a layer's step a neighbouring layer's value (a derivative read
off the layer below, a bias summed from the delta above): each file's claimed gradient, and its loss written here
again, independently of the file and of the project's gradient code, evaluated in np.longdouble, for central
differences in tests/test_examples_truth.py.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np

FOLDER = Path(__file__).resolve().parents[1] / "examples" / "submissions"
RNG = np.random.default_rng(23)
X = RNG.normal(size=(8, 3))
LONG = np.longdouble
NAMES = ["W1", "b1", "W2", "b2", "W3", "b3"]


def _module(rel: str):
    spec = importlib.util.spec_from_file_location(rel[:-3], FOLDER / rel)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)  # the files only define
    return mod


def _columns(rel: str):
    """Samples as columns: 0.5 * mean over the samples of the squared error of W3 relu(W2 tanh(W1 x + b1) + b2) + b3."""
    m = _module(rel)
    P = m.initialize_parameters(3, 4, 1)
    Xc, Y = X.T.copy(), RNG.normal(size=(1, 8))
    _, cache = m.forward_propagation(Xc, P)
    g = m.backward_propagation(P, cache, Xc, Y)

    def loss():
        W1, b1, W2, b2, W3, b3, x, y = (np.asarray(a, dtype=LONG) for a in (*(P[k] for k in NAMES), Xc, Y))
        out = W3 @ np.maximum(0, W2 @ np.tanh(W1 @ x + b1) + b2) + b3
        return float(0.5 * np.sum((out - y) ** 2) / 8)

    return [P[k] for k in NAMES], [g["d" + k] for k in NAMES], loss, NAMES


def _sigmoid_stack(rel: str):
    """Rows: mean BCE of sigmoid(sigmoid(sigmoid(x W1 + b1) W2 + b2) W3 + b3)."""
    net = _module(rel).StackedClassifier(3, 4)
    Y = (RNG.random((8, 1)) > 0.5).astype(float)
    net.forward(X)
    g = net.backward(Y)
    params = [getattr(net, k) for k in NAMES]

    def loss():
        W1, b1, W2, b2, W3, b3, x, y = (np.asarray(a, dtype=LONG) for a in (*params, X, Y))
        s = lambda z: 1 / (1 + np.exp(-z))  # noqa: E731
        p = s(s(s(x @ W1 + b1) @ W2 + b2) @ W3 + b3)
        return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))

    return params, [g[k] for k in NAMES], loss, NAMES


def _relu_pair(rel: str):
    """Rows: mean over every entry of the squared error of relu(relu(x W1 + b1) W2 + b2) W3 + b3, two outputs."""
    m = _module(rel)
    P = m.init_params(3, 4, 2)
    Y = RNG.normal(size=(8, 2))
    g = m.gradients(P, X, Y)

    def loss():
        W1, b1, W2, b2, W3, b3, x, y = (np.asarray(a, dtype=LONG) for a in (*(P[k] for k in NAMES), X, Y))
        out = np.maximum(0, np.maximum(0, x @ W1 + b1) @ W2 + b2) @ W3 + b3
        return float(np.mean((out - y) ** 2))

    return [P[k] for k in NAMES], [g[k] for k in NAMES], loss, NAMES


CROSSED_CASES = {
    "columns_tanh_relu_correct.py": lambda: _columns("columns_tanh_relu_correct.py"),
    "columns_tanh_relu_two_bugs_bug.py": lambda: _columns("columns_tanh_relu_two_bugs_bug.py"),
    "rows_sigmoid_stack_two_bugs_bug.py": lambda: _sigmoid_stack("rows_sigmoid_stack_two_bugs_bug.py"),
    "dict_relu_pair_two_bugs_bug.py": lambda: _relu_pair("dict_relu_pair_two_bugs_bug.py"),
}
