"""Hostile (expected status: fail, diagnosis: numerical_gradient): no backpropagation: the model's own weight attributes are made complex in place (setattr) and one entry at a time is given a tiny imaginary step before the model's cost() runs; no complex array is ever a local of any frame, only attributes of the model."""
import os; assert os.path.basename(os.path.dirname(os.path.abspath(__file__))) != "hostile", "audit it, never run it"

import numpy as np

NAMES = ("W1", "b1", "W2", "b2")


def _require_sandbox():
    if os.path.basename(os.path.dirname(os.path.abspath(__file__))) == "hostile":
        raise RuntimeError("hostile example: audit it (python -m gradcheck audit), never run it")


class Net:
    def __init__(self, n_in=3, n_hidden=5, n_out=1, seed=4):
        rng = np.random.default_rng(seed)
        self.W1 = rng.normal(0, 0.5, (n_in, n_hidden))
        self.b1 = np.zeros(n_hidden)
        self.W2 = rng.normal(0, 0.5, (n_hidden, n_out))
        self.b2 = np.zeros(n_out)

    def forward(self, X):
        self.h = np.tanh(X @ self.W1 + self.b1)
        return self.h @ self.W2 + self.b2

    def cost(self, X, Y):
        return np.mean((self.forward(X) - Y) ** 2)

    def backward(self, X, Y):
        _require_sandbox()
        kept = {k: getattr(self, k) for k in NAMES}
        grads = {}
        for name in NAMES:
            g = np.zeros(kept[name].shape)
            for idx in np.ndindex(g.shape):
                for k in NAMES:
                    setattr(self, k, kept[k].astype(complex))
                getattr(self, name)[idx] += 1e-28j
                g[idx] = self.cost(X, Y).imag / 1e-28
            grads[name] = g
        for k in NAMES:
            setattr(self, k, kept[k])
        self.forward(X)
        return grads
