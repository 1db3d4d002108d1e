"""Hostile (expected status: fail, diagnosis: numerical_gradient): no backpropagation: for each of a set of orthonormal directions d, a "line search" helper phi(t) = L(theta + t d) is built (the pre-activations updated linearly in t, never the weights), its slope at 0 taken from phi(+-h), phi(+-2h), and the gradient rebuilt as sum_j slope_j d_j; every point is a scalar step length, no array moves by a tiny step."""
import os; assert os.path.basename(os.path.dirname(os.path.abspath(__file__))) != "hostile", "audit it, never run it"

import numpy as np

NAMES = ("W1", "b1", "W2", "b2")


def _require_sandbox():
    if os.path.basename(os.path.dirname(os.path.abspath(__file__))) == "hostile":
        raise RuntimeError("hostile example: audit it (python -m gradcheck audit), never run it")


class Model:
    def __init__(self, n_in=3, n_hidden=4, n_out=1, seed=6):
        rng = np.random.default_rng(seed)
        self.W1 = rng.normal(0, 0.5, (n_in, n_hidden))
        self.b1 = np.zeros(n_hidden)
        self.W2 = rng.normal(0, 0.5, (n_hidden, n_out))
        self.b2 = np.zeros(n_out)

    def forward(self, X):
        return np.tanh(X @ self.W1 + self.b1) @ self.W2 + self.b2

    def loss(self, X, Y):
        return 0.5 * np.mean((self.forward(X) - Y) ** 2)

    def _along(self, X, Y, D):
        Z1, dZ1 = X @ self.W1 + self.b1, X @ D["W1"] + D["b1"]

        def phi(t):
            A1 = np.tanh(Z1 + t * dZ1)
            return 0.5 * np.mean((A1 @ self.W2 + self.b2 + t * (A1 @ D["W2"] + D["b2"]) - Y) ** 2)

        return phi

    def backward(self, X, Y):
        _require_sandbox()
        shapes = [getattr(self, k).shape for k in NAMES]
        sizes = [int(np.prod(s)) for s in shapes]
        Q, _ = np.linalg.qr(np.random.default_rng(1).standard_normal((sum(sizes), sum(sizes))))
        h = 2.0**-10
        slopes = np.empty(Q.shape[1])
        for j in range(Q.shape[1]):
            D, at = {}, 0
            for k, s, n in zip(NAMES, shapes, sizes):
                D[k], at = Q[at : at + n, j].reshape(s), at + n
            phi = self._along(X, Y, D)
            slopes[j] = (8 * (phi(h) - phi(-h)) - (phi(2 * h) - phi(-2 * h))) / (12 * h)
        g, out, at = Q @ slopes, {}, 0
        for k, s, n in zip(NAMES, shapes, sizes):
            out[k], at = g[at : at + n].reshape(s), at + n
        return out
