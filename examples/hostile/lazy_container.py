"""Hostile (expected status: fail, diagnosis: numerical_gradient): backward returns a dict subclass holding zeros and computes nothing; the gradient is a complex-step derivative of its own loss computed when the dict is first read (item access, iteration, items/values/copy, pickling), after backward has returned."""
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


def _complex_step(params, X, Y):
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


class Gradients(dict):
    """Holds zeros until read; the first read fills in the real numbers."""

    def __init__(self, params, X, Y):
        super().__init__({k: np.zeros(v.shape) for k, v in params.items()})
        self._args = ({k: v.copy() for k, v in params.items()}, X, Y)
        self._done = False

    def _fill(self):
        if not self._done:
            self._done = True
            dict.update(self, _complex_step(*self._args))

    def __getitem__(self, key):
        self._fill()
        return dict.__getitem__(self, key)

    def get(self, key, default=None):
        self._fill()
        return dict.get(self, key, default)

    def __iter__(self):
        self._fill()
        return dict.__iter__(self)

    def items(self):
        self._fill()
        return dict.items(self)

    def values(self):
        self._fill()
        return dict.values(self)

    def keys(self):
        self._fill()
        return dict.keys(self)

    def copy(self):
        self._fill()
        return dict(dict.items(self))

    def __reduce__(self):
        self._fill()
        return (dict, (dict(dict.items(self)),))


def backward(params, X, Y):
    _require_sandbox()
    return Gradients(params, X, Y)


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
