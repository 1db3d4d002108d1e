"""Truth cases for the examples whose forward returns the hidden layer beside the output (``return H, P``,
``return h, y``) and for the one-input, one-output regression kept in module globals: each file's claimed
gradient and a loss written here, independently of the project's gradient code, for central differences in
tests/test_examples_truth.py.
"""

from __future__ import annotations

import ast
import types
from pathlib import Path

import numpy as np

FOLDER = Path(__file__).resolve().parents[1] / "examples" / "submissions"
RNG = np.random.default_rng(31)
X = RNG.normal(size=(7, 3))


def _functions(rel: str) -> types.ModuleType:
    """The file's imports and functions only (its top level trains)."""
    tree = ast.parse((FOLDER / rel).read_text())
    tree.body = [s for s in tree.body if isinstance(s, (ast.FunctionDef, ast.Import, ast.ImportFrom))]
    module = types.ModuleType(rel[:-3])
    exec(compile(tree, str(FOLDER / rel), "exec"), module.__dict__)
    return module


def softmax_hidden_first(rel: str):
    """tanh hidden, softmax output, integer labels, cross-entropy mean over the samples."""
    m = _functions(rel)
    y = np.array([0, 1, 2, 2, 1, 0, 1])
    ps = [RNG.normal(0, 0.7, s) for s in ((3, 5), (5,), (5, 3), (3,))]
    claimed = list(m.gradients(X, y, *ps))

    def loss():
        h = np.tanh(X @ ps[0] + ps[1])
        s = h @ ps[2] + ps[3]
        logp = s - np.log(np.exp(s).sum(axis=1, keepdims=True))
        return -np.mean(logp[np.arange(7), y])

    return ps, claimed, loss


def hidden_first_return(rel: str):
    """ReLU hidden, sigmoid output, mean squared error over every output entry."""
    m = _functions(rel)
    T = RNG.random((7, 2))
    net = {k: RNG.normal(0, 0.8, s) for k, s in (("W1", (3, 4)), ("b1", (4,)), ("W2", (4, 2)), ("b2", (2,)))}
    g = m.backprop(net, X, T)

    def loss():
        h = np.maximum(X @ net["W1"] + net["b1"], 0)
        return np.mean((1 / (1 + np.exp(-(h @ net["W2"] + net["b2"]))) - T) ** 2)

    return list(net.values()), [g[k] for k in net], loss, list(net)


def columns_1d_globals(rel: str):
    """One input and one output as columns, tanh hidden, identity output, mean squared error; the backward
    updates the arrays in place by lr * gradient and returns them."""
    m = _functions(rel)
    xs, ys = RNG.normal(size=(1, 9)), RNG.normal(size=(1, 9))
    ps = [RNG.normal(0, 0.6, s) for s in ((6, 1), (6, 1), (1, 6), (1, 1))]
    before = [p.copy() for p in ps]
    out, H = m.forward(xs, *ps)
    m.backward(xs, ys, out, H, *ps, 0.5)
    claimed = [(b - p) / 0.5 for b, p in zip(before, ps)]
    for p, b in zip(ps, before):
        p[...] = b

    def loss():
        return np.mean((ps[2] @ np.tanh(ps[0] @ xs + ps[1]) + ps[3] - ys) ** 2)

    return ps, claimed, loss


OUTPUTS_CASES = {
    "softmax_inline_hidden_first_correct.py": lambda: softmax_hidden_first("softmax_inline_hidden_first_correct.py"),
    "softmax_inline_hidden_first_tanh_prime_bug.py": lambda: softmax_hidden_first(
        "softmax_inline_hidden_first_tanh_prime_bug.py"
    ),
    "hidden_first_return_correct.py": lambda: hidden_first_return("hidden_first_return_correct.py"),
    "hidden_first_return_relu_mask_bug.py": lambda: hidden_first_return("hidden_first_return_relu_mask_bug.py"),
    "columns_1d_regression_globals_correct.py": lambda: columns_1d_globals("columns_1d_regression_globals_correct.py"),
    "columns_1d_regression_globals_half_bug.py": lambda: columns_1d_globals(
        "columns_1d_regression_globals_half_bug.py"
    ),
}
