"""Digit classifier exported from a course notebook: samples as columns, forward_pass() returns
every layer's values in one dict and the output is read back as cache["A2"]."""

import numpy as np


def init_network(n_x, n_h, n_y):
    rng = np.random.default_rng(7)
    return {
        "W1": rng.normal(scale=0.3, size=(n_h, n_x)),
        "b1": np.zeros((n_h, 1)),
        "W2": rng.normal(scale=0.3, size=(n_y, n_h)),
        "b2": np.zeros((n_y, 1)),
    }


def softmax(z):
    e = np.exp(z - z.max(axis=0, keepdims=True))
    return e / e.sum(axis=0, keepdims=True)


def forward_pass(X, net):
    Z1 = net["W1"] @ X + net["b1"]
    A1 = np.tanh(Z1)
    Z2 = net["W2"] @ A1 + net["b2"]
    A2 = softmax(Z2)
    return {"Z1": Z1, "A1": A1, "Z2": Z2, "A2": A2}


def cross_entropy(A2, Y):
    return -np.sum(Y * np.log(A2)) / Y.shape[1]


def backward_pass(X, Y, net, cache):
    m = X.shape[1]
    dZ2 = cache["A2"] - Y
    dW2 = dZ2 @ cache["A1"].T / m
    db2 = dZ2.sum(axis=1, keepdims=True) / m
    dZ1 = (net["W2"].T @ dZ2) * (1 - cache["A1"] ** 2)
    dW1 = dZ1 @ X.T / m
    db1 = dZ1.sum(axis=1, keepdims=True) / m
    return {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2}


def fit(X, Y, n_h=16, lr=0.2, epochs=200):
    net = init_network(X.shape[0], n_h, Y.shape[0])
    for _ in range(epochs):
        cache = forward_pass(X, net)
        grads = backward_pass(X, Y, net, cache)
        for k in ("W1", "b1", "W2", "b2"):
            net[k] -= lr * grads["d" + k]
    return net
