"""Truth cases for the examples of module-level architecture constants, one-letter weights, (p, t) backward
arguments and ascent-form updates: each file's claimed gradient and a loss written here, independently of the
project's gradient code, for central differences in tests/test_examples_truth.py.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np

FOLDER = Path(__file__).resolve().parents[1] / "examples" / "submissions"
RNG = np.random.default_rng(7)
X = RNG.normal(size=(7, 3))


def _module(rel: str):
    spec = importlib.util.spec_from_file_location(rel[:-3], FOLDER / rel)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)  # the files train only under __main__
    return mod


def _sig(z):
    return 1 / (1 + np.exp(-z))


def _bce(p, y):
    return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))


def module_arch(rel: str):
    """Samples in columns (3 x 7), tanh then sigmoid, mean BCE."""
    m = _module(rel)
    p = m.params
    Xc, Y = X.T.copy(), (RNG.random((1, 7)) > 0.5).astype(float)
    out, cache = m.full_forward(Xc, p, m.NN_ARCHITECTURE)
    g = m.full_backward(out, Y, cache, p, m.NN_ARCHITECTURE)
    keys = ["W1", "b1", "W2", "b2"]

    def loss():
        h = np.tanh(p["W1"] @ Xc + p["b1"])
        return _bce(_sig(p["W2"] @ h + p["b2"]), Y)

    return [p[k] for k in keys], [g["d" + k] for k in keys], loss, keys


def vcud(rel: str):
    """Module globals V, c, U, d; mean squared error over 7 samples, one output."""
    m = _module(rel)
    x, y = X[:, :2].copy(), RNG.normal(size=(7, 1))
    h, out = m.forward(x)
    claimed = m.gradients(x, y, h, out)

    def loss():
        return np.mean((np.tanh(x @ m.V + m.c) @ m.U + m.d - y) ** 2)

    return [m.V, m.c, m.U, m.d], list(claimed), loss, ["V", "c", "U", "d"]


def pt_roles(rel: str):
    """MLP(3, 4, 1): backward(p, t) stores gW1...; mean BCE."""
    net = _module(rel).MLP(3, 4, 1)
    t = (RNG.random((7, 1)) > 0.5).astype(float)
    net.backward(net.forward(X), t)
    keys = ["W1", "b1", "W2", "b2"]

    def loss():
        return _bce(_sig(_sig(X @ net.W1 + net.b1) @ net.W2 + net.b2), t)

    return [getattr(net, k) for k in keys], [getattr(net, "g" + k) for k in keys], loss, keys


def ascent(rel: str):
    """Net((2, 4, 1)); one backprop(y, lr) step read as (before - after) / lr; 0.5 * mean over samples of the sum."""
    net = _module(rel).Net()
    x, y = X[:, :2].copy(), RNG.uniform(0.1, 0.9, (7, 1))
    keys = ["w1", "bias1", "w2", "bias2"]
    before = [getattr(net, k).copy() for k in keys]
    net.feedforward(x)
    net.backprop(y, lr=0.1)
    claimed = [(b - getattr(net, k)) / 0.1 for b, k in zip(before, keys)]
    for k, b in zip(keys, before):
        setattr(net, k, b)

    def loss():
        o = _sig(_sig(x @ net.w1 + net.bias1) @ net.w2 + net.bias2)
        return 0.5 * np.mean(np.sum((o - y) ** 2, axis=1))

    return before, claimed, loss, keys


#: example file -> its truth case (added at the end of CASES in tests/test_examples_truth.py)
GAP_CASES = {
    "module_arch_kw_correct.py": lambda: module_arch("module_arch_kw_correct.py"),
    "module_arch_kw_tanh_prime_bug.py": lambda: module_arch("module_arch_kw_tanh_prime_bug.py"),
    "vcud_globals_correct.py": lambda: vcud("vcud_globals_correct.py"),
    "vcud_globals_bias_bug.py": lambda: vcud("vcud_globals_bias_bug.py"),
    "pt_roles_correct.py": lambda: pt_roles("pt_roles_correct.py"),
    "pt_roles_mean_bug.py": lambda: pt_roles("pt_roles_mean_bug.py"),
    "ascent_error_correct.py": lambda: ascent("ascent_error_correct.py"),
    "ascent_error_sign_bug.py": lambda: ascent("ascent_error_sign_bug.py"),
}
