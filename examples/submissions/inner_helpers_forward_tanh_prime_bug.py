"""Homework 2: a two-layer classifier written as plain functions.

forward() keeps its activation as a small inner helper, and returns every
value backward() needs, by name; backward() takes them back by the same names.
Sigmoid hidden layer (its derivative written as tanh's, 1 - A1**2), sigmoid output,
binary cross-entropy averaged over the batch.
"""

import numpy as np


def init_params(n_in, n_hidden, n_out, seed=1):
    rng = np.random.default_rng(seed)
    W1 = rng.normal(0.0, 0.5, (n_in, n_hidden))
    b1 = np.zeros((1, n_hidden))
    W2 = rng.normal(0.0, 0.5, (n_hidden, n_out))
    b2 = np.zeros((1, n_out))
    return W1, b1, W2, b2


def forward(X, W1, b1, W2, b2):
    if X.ndim != 2:
        return None

    def squash(z):
        return 1.0 / (1.0 + np.exp(-z))

    Z1 = X @ W1 + b1
    A1 = squash(Z1)
    Z2 = A1 @ W2 + b2
    A2 = squash(Z2)
    return Z1, A1, Z2, A2


def loss(A2, Y):
    return -np.mean(Y * np.log(A2) + (1 - Y) * np.log(1 - A2))


def backward(X, Y, W2, A1, A2):
    m = X.shape[0]
    dZ2 = (A2 - Y) / m
    dW2 = A1.T @ dZ2
    db2 = dZ2.sum(axis=0, keepdims=True)
    dZ1 = (dZ2 @ W2.T) * (1 - A1 ** 2)
    dW1 = X.T @ dZ1
    db1 = dZ1.sum(axis=0, keepdims=True)
    return dW1, db1, dW2, db2


if __name__ == "__main__":
    rng = np.random.default_rng(0)
    X = rng.normal(size=(64, 2))
    Y = (X[:, :1] * X[:, 1:] > 0).astype(float)
    W1, b1, W2, b2 = init_params(2, 6, 1)
    for epoch in range(500):
        Z1, A1, Z2, A2 = forward(X, W1, b1, W2, b2)
        dW1, db1, dW2, db2 = backward(X, Y, W2, A1, A2)
        W1 -= 0.5 * dW1
        b1 -= 0.5 * db1
        W2 -= 0.5 * dW2
        b2 -= 0.5 * db2
    print(loss(A2, Y))
