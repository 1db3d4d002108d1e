"""Week 3: one hidden layer for the planar data set.

The data come as rows (X of shape (m, 2)); the weights are stored (units out, units in),
so the layers multiply by X.T and keep the activations as columns.
"""

import numpy as np


def init_parameters(n_x, n_h, n_y):
    rng = np.random.default_rng(2)
    return {
        "W1": rng.normal(0.0, 0.3, (n_h, n_x)),
        "b1": np.zeros((n_h, 1)),
        "W2": rng.normal(0.0, 0.3, (n_y, n_h)),
        "b2": np.zeros((n_y, 1)),
    }


def forward(X, params):
    Z1 = params["W1"] @ X.T + params["b1"]
    A1 = np.tanh(Z1)
    Z2 = params["W2"] @ A1 + params["b2"]
    A2 = 1.0 / (1.0 + np.exp(-Z2))
    assert A2.shape == (params["W2"].shape[0], X.shape[0])
    return A2, {"A1": A1, "A2": A2}


def cost(A2, Y):
    m = A2.shape[1]
    return float(-np.sum(Y * np.log(A2) + (1 - Y) * np.log(1 - A2)) / m)


def backward(params, cache, X, Y):
    m = X.shape[0]
    dZ2 = cache["A2"] - Y
    dZ1 = (params["W2"].T @ dZ2) * (1 - cache["A1"] ** 2)
    return {
        "dW1": dZ1 @ X / m,
        "db1": dZ1.sum(axis=1, keepdims=True) / m,
        "dW2": dZ2 @ cache["A1"].T / m,
        "db2": dZ2.sum(axis=1, keepdims=True) / m,
    }


def update(params, grads, rate=1.2):
    return {k: params[k] - rate * grads["d" + k] for k in params}
