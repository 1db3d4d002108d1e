"""Truth cases for examples whose weights are made inside their one training method (fit(X, y), train(X, y, epochs,
lr)): each file's claimed gradient and a loss written here, independently of the project's gradient code, for
central differences in tests/test_examples_truth.py.
"""

from __future__ import annotations

import ast
import types
from pathlib import Path

import numpy as np

FOLDER = Path(__file__).resolve().parents[1] / "examples" / "submissions"
RNG = np.random.default_rng(53)
X = RNG.normal(size=(7, 3))


def _module(rel: str) -> types.ModuleType:
    """The file's imports and definitions (nothing of it is run)."""
    tree = ast.parse((FOLDER / rel).read_text())
    tree.body = [s for s in tree.body if isinstance(s, (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.ClassDef))]
    module = types.ModuleType(rel[:-3])
    exec(compile(tree, str(FOLDER / rel), "exec"), module.__dict__)
    return module


def _sig(z):
    return 1.0 / (1.0 + np.exp(-z))


def fit_private(rel: str):
    """Sigmoid hidden layer, sigmoid output, BCE averaged over the samples; the gradient _compute_gradients returns
    at weights set here."""
    m = _module(rel)
    net = m.BinaryMLP(n_hidden=4)
    Y = (RNG.random((7, 1)) > 0.5).astype(float)
    keys = ["W_h", "b_h", "W_o", "b_o"]
    ps = [RNG.normal(0, 0.7, (3, 4)), RNG.normal(0, 0.2, 4), RNG.normal(0, 0.7, (4, 1)), RNG.normal(0, 0.2, 1)]
    for k, p in zip(keys, ps):
        setattr(net, k, p)
    claimed = [np.array(g) for g in net._compute_gradients(X, Y)]

    def loss():
        p = _sig(_sig(X @ ps[0] + ps[1]) @ ps[2] + ps[3])
        return -np.mean(Y * np.log(p) + (1 - Y) * np.log(1 - p))

    return ps, claimed, loss, keys


def train_inline(rel: str):
    """tanh hidden layer, linear output, MSE averaged over every entry; the gradient is the first epoch's step
    divided by its rate, at the weights train() makes (read with a rate of zero)."""
    m = _module(rel)
    Y = RNG.normal(size=(7, 1))
    keys = ["W_in", "b_in", "W_out", "b_out"]
    net, lr = m.TinyRegressor(width=4), 0.01
    net.train(X, Y, 1, 0.0)
    ps = [np.array(getattr(net, k)) for k in keys]
    net.train(X, Y, 1, lr)
    claimed = [(p - getattr(net, k)) / lr for k, p in zip(keys, ps)]

    def loss():
        return np.mean((np.tanh(X @ ps[0] + ps[1]) @ ps[2] + ps[3] - Y) ** 2)

    return ps, claimed, loss, keys


def fit_iters(rel: str):
    """Logistic regression, BCE averaged over the samples; the gradient is one iteration's step divided by its rate,
    at the zero weights fit() makes."""
    m = _module(rel)
    y = (RNG.random(7) > 0.5).astype(float)
    net, rate = m.LogRegClassifier(rate=1e-3, n_iters=1), 1e-3
    net.fit(X, y)
    ps = [np.zeros(3), np.zeros(1)]
    claimed = [-np.asarray(net.weights) / rate, -np.atleast_1d(net.bias) / rate]

    def loss():
        p = _sig(X @ ps[0] + ps[1][0])
        return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))

    return ps, claimed, loss, ["weights", "bias"]


MADEINSIDE_CASES = {
    "fit_iters_attr_logreg_correct.py": lambda: fit_iters("fit_iters_attr_logreg_correct.py"),
    "fit_iters_attr_logreg_double_w_bug.py": lambda: fit_iters("fit_iters_attr_logreg_double_w_bug.py"),
    "fit_private_grads_correct.py": lambda: fit_private("fit_private_grads_correct.py"),
    "fit_private_grads_sigmoid_self_bug.py": lambda: fit_private("fit_private_grads_sigmoid_self_bug.py"),
    "train_inline_epochs_correct.py": lambda: train_inline("train_inline_epochs_correct.py"),
    "train_inline_epochs_tanh_prime_bug.py": lambda: train_inline("train_inline_epochs_tanh_prime_bug.py"),
}
