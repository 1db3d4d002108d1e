"""Homework 3: a one-hidden-layer regressor, trained by plain functions.

forward() hands back everything backward() needs; backward() takes a step and
hands the (updated) weights back so the training loop can keep going.
"""

import numpy as np


def init(n_in, n_hidden, n_out, seed=3):
    rng = np.random.default_rng(seed)
    W1 = rng.normal(0, 0.5, (n_in, n_hidden))
    b1 = np.zeros(n_hidden)
    W2 = rng.normal(0, 0.5, (n_hidden, n_out))
    b2 = np.zeros(n_out)
    return W1, b1, W2, b2


def forward(X, W1, b1, W2, b2):
    pre = X @ W1 + b1
    hid = np.tanh(pre)
    pred = hid @ W2 + b2
    return pre, hid, pred


def mse(pred, t):
    return 0.5 * np.mean((pred - t) ** 2)


def backward(inputs, t, h_in, h_out, y_hat, W1, b1, W2, b2, lr=0.05):
    n = inputs.shape[0]
    t = t.reshape(n, -1)
    err = (y_hat - t) / n
    gW2 = h_out.T @ err
    gb2 = err.sum(axis=0)
    dh = (err @ W2.T) * (1 - h_out**2)
    gW1 = inputs.T @ dh
    gb1 = dh.sum(axis=0)
    W1 -= lr * gW1
    b1 -= lr * gb1
    W2 -= lr * gW2
    b2 -= lr * gb2
    return W1, b1, W2, b2


if __name__ == "__main__":
    rng = np.random.default_rng(0)
    X = rng.uniform(-1, 1, (64, 2))
    t = np.sin(X[:, 0]) * X[:, 1]
    W1, b1, W2, b2 = init(2, 8, 1)
    for epoch in range(300):
        cache = forward(X, W1, b1, W2, b2)
        W1, b1, W2, b2 = backward(X, t, *cache, W1, b1, W2, b2)
    print("final loss", mse(forward(X, W1, b1, W2, b2)[2], t.reshape(-1, 1)))
