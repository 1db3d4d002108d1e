"""Course-style functional net, samples as columns: tanh then ReLU hidden layers, identity output,
cost 0.5 * mean over the samples of the squared error."""

import numpy as np


def initialize_parameters(n_x, n_h, n_y):
    np.random.seed(3)
    return {
        "W1": np.random.randn(n_h, n_x) * 0.5,
        "b1": np.random.randn(n_h, 1) * 0.1,
        "W2": np.random.randn(n_h, n_h) * 0.5,
        "b2": np.random.randn(n_h, 1) * 0.1,
        "W3": np.random.randn(n_y, n_h) * 0.5,
        "b3": np.random.randn(n_y, 1) * 0.1,
    }


def forward_propagation(X, parameters):
    Z1 = parameters["W1"] @ X + parameters["b1"]
    A1 = np.tanh(Z1)
    Z2 = parameters["W2"] @ A1 + parameters["b2"]
    A2 = np.maximum(0, Z2)
    Z3 = parameters["W3"] @ A2 + parameters["b3"]
    cache = {"Z1": Z1, "A1": A1, "Z2": Z2, "A2": A2, "Z3": Z3}
    return Z3, cache


def compute_cost(Y_hat, Y):
    m = Y.shape[1]
    return 0.5 * np.sum((Y_hat - Y) ** 2) / m


def backward_propagation(parameters, cache, X, Y):
    m = X.shape[1]
    dZ3 = (cache["Z3"] - Y) / m
    dW3 = dZ3 @ cache["A2"].T
    db3 = np.sum(dZ3, axis=1, keepdims=True)
    dA2 = parameters["W3"].T @ dZ3
    dZ2 = dA2 * (cache["A1"] > 0)
    dW2 = dZ2 @ cache["A1"].T
    db2 = np.sum(dZ2, axis=1, keepdims=True)
    dA1 = parameters["W2"].T @ dZ2
    dZ1 = dA1 * (1 - cache["A1"] ** 2)
    dW1 = dZ1 @ X.T
    db1 = np.sum(dZ2, axis=1, keepdims=True)
    return {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2, "dW3": dW3, "db3": db3}
