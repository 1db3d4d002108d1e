"""A regression net over a params dict: two ReLU layers of equal width, identity output, mean squared error.

Two bugs: db1 is summed from the second layer's delta (g2) where the first's (g1) belongs, and the
output layer's weight gradient is taken from the residual the other way round (y - yhat).
"""

import numpy as np


def init_params(n_in, n_hidden, n_out, seed=8):
    rng = np.random.default_rng(seed)
    return {
        "W1": rng.normal(0.0, 0.7, (n_in, n_hidden)),
        "b1": rng.normal(0.2, 0.1, n_hidden),
        "W2": rng.normal(0.0, 0.7, (n_hidden, n_hidden)),
        "b2": rng.normal(0.2, 0.1, n_hidden),
        "W3": rng.normal(0.0, 0.7, (n_hidden, n_out)),
        "b3": rng.normal(0.0, 0.1, n_out),
    }


def forward(params, X):
    h1 = np.maximum(0.0, X @ params["W1"] + params["b1"])
    h2 = np.maximum(0.0, h1 @ params["W2"] + params["b2"])
    return h2 @ params["W3"] + params["b3"], (h1, h2)


def mse(params, X, Y):
    out, _ = forward(params, X)
    return np.mean((out - Y) ** 2)


def gradients(params, X, Y):
    out, (h1, h2) = forward(params, X)
    g3 = 2.0 * (out - Y) / out.size
    g2 = (g3 @ params["W3"].T) * (h2 > 0)
    g1 = (g2 @ params["W2"].T) * (h1 > 0)
    return {
        "W1": X.T @ g1,
        "b1": g2.sum(axis=0),
        "W2": h1.T @ g2,
        "b2": g2.sum(axis=0),
        "W3": -(h2.T @ g3),
        "b3": g3.sum(axis=0),
    }
