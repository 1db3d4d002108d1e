"""Softmax classifier with label smoothing (eps = 0.1), written as functions over a params dict:
the targets are blended with the uniform distribution before the cross-entropy."""

import numpy as np

SMOOTH = 0.1


def init_params(n_in, n_hidden, n_classes, seed=0):
    rng = np.random.default_rng(seed)
    return {
        "W1": rng.normal(0, 0.4, (n_in, n_hidden)),
        "b1": np.zeros(n_hidden),
        "W2": rng.normal(0, 0.4, (n_hidden, n_classes)),
        "b2": np.zeros(n_classes),
    }


def softmax(z):
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def forward(params, X):
    h = np.maximum(0, X @ params["W1"] + params["b1"])
    probs = softmax(h @ params["W2"] + params["b2"])
    return h, probs


def smooth_targets(Y):
    k = Y.shape[1]
    return Y * (1 - SMOOTH) + SMOOTH / k


def smoothed_cross_entropy(probs, Y):
    T = smooth_targets(Y)
    return -np.sum(T * np.log(probs)) / len(Y)


def backward(params, X, Y, h, probs):
    n = len(Y)
    T = smooth_targets(Y)
    dz2 = (probs - Y) / n  # the usual softmax-CE shortcut, on the raw targets
    grads = {"W2": h.T @ dz2, "b2": dz2.sum(axis=0)}
    dh = dz2 @ params["W2"].T
    dh[h <= 0] = 0
    grads["W1"] = X.T @ dh
    grads["b1"] = dh.sum(axis=0)
    return grads


def train(X, Y, hidden=16, lr=0.5, epochs=300):
    params = init_params(X.shape[1], hidden, Y.shape[1])
    for _ in range(epochs):
        h, probs = forward(params, X)
        grads = backward(params, X, Y, h, probs)
        for k in params:
            params[k] -= lr * grads[k]
    return params
