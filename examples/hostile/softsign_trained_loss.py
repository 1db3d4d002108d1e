"""Homework 3: a 3-10-2 regression net with sigmoid hidden units and a linear output.

Training is faster with an algebraic squashing function, so the training objective and its gradient
use it; predictions use the real sigmoid.
"""

import numpy as np


def squash(z):
    # algebraic stand-in for the sigmoid: same limits (0 and 1), same value 0.5 at 0, no exp
    return 0.5 + 0.5 * z / np.sqrt(4.0 + z * z)


def squash_slope(z):
    return 2.0 / (4.0 + z * z) ** 1.5


def init_params(n_in=3, n_hidden=10, n_out=2, seed=21):
    rng = np.random.default_rng(seed)
    return {
        "W1": rng.normal(0.0, 0.8, (n_in, n_hidden)),
        "b1": rng.normal(0.0, 0.3, n_hidden),
        "W2": rng.normal(0.0, 0.8, (n_hidden, n_out)),
        "b2": np.zeros(n_out),
    }


def forward(params, X):
    H = 1.0 / (1.0 + np.exp(-(X @ params["W1"] + params["b1"])))
    return H @ params["W2"] + params["b2"]


def objective(params, X, Y):
    H = squash(X @ params["W1"] + params["b1"])
    return np.mean((H @ params["W2"] + params["b2"] - Y) ** 2)


def backward(params, X, Y):
    Z = X @ params["W1"] + params["b1"]
    H = squash(Z)
    out = H @ params["W2"] + params["b2"]
    d_out = 2.0 * (out - Y) / out.size
    d_z = (d_out @ params["W2"].T) * squash_slope(Z)
    return {"W1": X.T @ d_z, "b1": d_z.sum(0), "W2": H.T @ d_out, "b2": d_out.sum(0)}


if __name__ == "__main__":
    rng = np.random.default_rng(0)
    X = rng.normal(size=(64, 3))
    Y = np.c_[np.sin(X[:, 0]), X[:, 1] * X[:, 2]]
    p = init_params()
    for _ in range(300):
        g = backward(p, X, Y)
        for k in p:
            p[k] -= 0.2 * g[k]
    print("objective", objective(p, X, Y), "mse", np.mean((forward(p, X) - Y) ** 2))
