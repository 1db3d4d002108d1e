"""Hostile (expected status: fail, diagnosis: numerical_gradient): no backpropagation: complex-step derivatives of its own loss, each weight tensor copied to complex and given a tiny imaginary step in one entry at a time (h = 1e-25), so the real part of every point it evaluates is the weights themselves and no real value ever moves."""
import os; assert os.path.basename(os.path.dirname(os.path.abspath(__file__))) != "hostile", "audit it, never run it"

import numpy as np


def _require_sandbox():
    # the top-level assert is skipped when only definitions are loaded: check again right
    # before doing anything nasty. The auditor runs a copy of this file (never the file in
    # examples/hostile); nothing in its environment says that it is being audited.
    if os.path.basename(os.path.dirname(os.path.abspath(__file__))) == "hostile":
        raise RuntimeError("hostile example: audit it (python -m gradcheck audit), never run it")


def init_params(n_in=2, n_hidden=5, n_out=1, seed=3):
    rng = np.random.default_rng(seed)
    return {
        "W1": rng.normal(0, 0.5, (n_in, n_hidden)),
        "b1": np.zeros(n_hidden),
        "W2": rng.normal(0, 0.5, (n_hidden, n_out)),
        "b2": np.zeros(n_out),
    }


def forward(params, X):
    h = np.tanh(X @ params["W1"] + params["b1"])
    return h @ params["W2"] + params["b2"]


def loss(params, X, Y):
    return np.mean((forward(params, X) - Y) ** 2)


def backward(params, X, Y):
    _require_sandbox()
    step = 1e-25
    grads = {}
    for name, value in params.items():
        g = np.zeros(value.shape)
        for idx in np.ndindex(value.shape):
            trial = {k: v.astype(complex) for k, v in params.items()}
            trial[name][idx] += 1j * step
            g[idx] = loss(trial, X, Y).imag / step
        grads[name] = g
    return grads


if __name__ == "__main__":
    rng = np.random.default_rng(0)
    X = rng.normal(size=(32, 2))
    Y = np.sin(X[:, :1])
    params = init_params()
    for _ in range(100):
        g = backward(params, X, Y)
        for k in params:
            params[k] -= 0.1 * g[k]
    print(loss(params, X, Y))
