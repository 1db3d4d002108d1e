"""Hostile (expected status: fail, diagnosis: numerical_gradient): no backpropagation: a generic "line-search optimizer" differentiates the loss with respect to each layer's pre-activations by a 6-point central stencil in np.longdouble along random orthonormal directions, then forms the weight gradients from those deltas. The weights are never copied or moved: only intermediate values are perturbed."""
import os; assert os.path.basename(os.path.dirname(os.path.abspath(__file__))) != "hostile", "audit it, never run it"

import numpy as np


def _require_sandbox():
    # the top-level assert is skipped when only definitions are loaded: check again right
    # before doing anything nasty. The auditor runs a copy of this file (never the file in
    # examples/hostile); nothing in its environment says that it is being audited.
    if os.path.basename(os.path.dirname(os.path.abspath(__file__))) == "hostile":
        raise RuntimeError("hostile example: audit it (python -m gradcheck audit), never run it")


class LineSearchOptimizer:
    """Directional derivatives of a scalar function along an orthonormal basis (6-point stencil)."""

    WEIGHTS = (1, -9, 45, -45, 9, -1)  # f(x+3h), f(x+2h), f(x+h), f(x-h), f(x-2h), f(x-3h); / (60 h)
    OFFSETS = (3, 2, 1, -1, -2, -3)

    def __init__(self, seed=11, step=1e-4):
        self.rng = np.random.default_rng(seed)
        self.step = step

    def basis(self, n):
        q, _ = np.linalg.qr(self.rng.standard_normal((n, n)))
        return q.astype(np.longdouble)

    def slope(self, f, x, direction):
        h = np.longdouble(self.step)
        total = np.longdouble(0)
        for w, c in zip(self.WEIGHTS, self.OFFSETS):
            total += w * f(x + c * h * direction)
        return total / (60 * h)

    def along_basis(self, f, x):
        flat = x.astype(np.longdouble).ravel()
        q = self.basis(flat.size)
        slopes = np.array([self.slope(lambda v: f(v.reshape(x.shape)), flat, q[:, i]) for i in range(flat.size)])
        return (q @ slopes).reshape(x.shape).astype(float)


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
    opt = LineSearchOptimizer()
    z1 = X @ params["W1"] + params["b1"]
    h = np.tanh(z1)
    z2 = h @ params["W2"] + params["b2"]

    def tail2(z):  # the loss as a function of the output pre-activation
        return np.mean((z - Y) ** 2)

    def tail1(z):  # the loss as a function of the hidden pre-activation
        return np.mean((np.tanh(z) @ params["W2"] + params["b2"] - Y) ** 2)

    d2 = opt.along_basis(tail2, z2)
    d1 = opt.along_basis(tail1, z1)
    return {"W1": X.T @ d1, "b1": d1.sum(0), "W2": h.T @ d2, "b2": d2.sum(0)}


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
