"""Robust linear regression with the Huber loss (delta = 1): quadratic for small residuals, linear
for large ones, written as functions over a parameters dict."""

import numpy as np

DELTA = 1.0


def init_params(n_features, n_targets=1, seed=0):
    rng = np.random.default_rng(seed)
    return {"W": rng.normal(0, 1.0, (n_features, n_targets)), "b": np.zeros(n_targets)}


def predict(params, X):
    return X @ params["W"] + params["b"]


def huber_loss(y_pred, y):
    r = y_pred - y
    small = np.abs(r) <= DELTA
    return np.mean(np.where(small, 0.5 * r**2, DELTA * (np.abs(r) - 0.5 * DELTA)))


def gradients(params, X, y):
    r = predict(params, X) - y
    dr = np.clip(r, -DELTA, DELTA) / r.size
    return {"W": X.T @ dr, "b": dr.sum(axis=0)}


def fit(X, y, lr=0.1, epochs=500):
    params = init_params(X.shape[1], y.shape[1])
    for _ in range(epochs):
        g = gradients(params, X, y)
        params["W"] -= lr * g["W"]
        params["b"] -= lr * g["b"]
    return params
