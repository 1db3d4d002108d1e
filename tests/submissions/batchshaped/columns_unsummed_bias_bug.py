"""Batch code of columns (X is (n_in, m)) whose output bias gradient is dZ2 / m, never summed over the batch: on a
batch it returns a (1, m) bias gradient, on one sample one in the bias's shape, like per-sample code. Its backward
reads the batch's size (X.shape[1]), so it is judged on the batch, and its bug stands."""

import numpy as np


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


class Net:
    def __init__(self, n_in=3, n_hidden=4, seed=0):
        g = np.random.default_rng(seed)
        self.W1 = g.normal(0, 0.5, (n_hidden, n_in))
        self.b1 = np.zeros((n_hidden, 1))
        self.W2 = g.normal(0, 0.5, (1, n_hidden))
        self.b2 = np.zeros((1, 1))

    def forward(self, X):
        self.A1 = np.tanh(self.W1 @ X + self.b1)
        return sigmoid(self.W2 @ self.A1 + self.b2)

    def loss(self, X, Y):
        P = self.forward(X)
        return float(-np.mean(Y * np.log(P) + (1 - Y) * np.log(1 - P)))

    def backward(self, X, Y):
        m = X.shape[1]
        dZ2 = self.forward(X) - Y
        dW2 = dZ2 @ self.A1.T / m
        db2 = dZ2 / m
        dZ1 = (self.W2.T @ dZ2) * (1 - self.A1**2)
        dW1 = dZ1 @ X.T / m
        db1 = np.sum(dZ1, axis=1, keepdims=True) / m
        return dW1, db1, dW2, db2
