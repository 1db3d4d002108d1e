"""Correct: init_params / forward / backward functions, 2-4-1 tanh|sigmoid, BCE mean; grads returned as a dict."""
import numpy as np


def init_params(n_in=2, n_h=4, n_out=1, seed=0):
    rng = np.random.default_rng(seed)
    return {"W1": rng.standard_normal((n_in, n_h)) * 0.5, "b1": np.zeros(n_h),
            "W2": rng.standard_normal((n_h, n_out)) * 0.5, "b2": np.zeros(n_out)}


def forward(X, params):
    Z1 = X @ params["W1"] + params["b1"]
    A1 = np.tanh(Z1)
    Z2 = A1 @ params["W2"] + params["b2"]
    Y_hat = 1 / (1 + np.exp(-Z2))
    return Y_hat, (X, Z1, A1, Z2, Y_hat)


def compute_cost(Y_hat, Y):
    return -np.mean(Y * np.log(Y_hat) + (1 - Y) * np.log(1 - Y_hat))


def backward(params, cache, X, Y):
    X, Z1, A1, Z2, Y_hat = cache
    m = X.shape[0]
    dZ2 = (Y_hat - Y) / m
    dW2 = A1.T @ dZ2
    db2 = dZ2.sum(axis=0)
    dZ1 = (dZ2 @ params["W2"].T) * (1 - A1 ** 2)
    dW1 = X.T @ dZ1
    db1 = dZ1.sum(axis=0)
    return {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}
