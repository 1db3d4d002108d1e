"""A two-hidden-layer sigmoid classifier (rows are samples), BCE on a sigmoid output.

Two bugs: the second hidden layer's sigmoid derivative is read off the first layer's activation
(a1 * (1 - a1) where a2 * (1 - a2) belongs), and the output delta is not divided by the batch size.
"""

import numpy as np


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


class StackedClassifier:
    def __init__(self, n_in, n_hidden, seed=5):
        rng = np.random.default_rng(seed)
        self.W1 = rng.normal(0.0, 0.8, (n_in, n_hidden))
        self.b1 = rng.normal(0.0, 0.1, n_hidden)
        self.W2 = rng.normal(0.0, 0.8, (n_hidden, n_hidden))
        self.b2 = rng.normal(0.0, 0.1, n_hidden)
        self.W3 = rng.normal(0.0, 0.8, (n_hidden, 1))
        self.b3 = rng.normal(0.0, 0.1, 1)

    def forward(self, X):
        self.X = X
        self.a1 = sigmoid(X @ self.W1 + self.b1)
        self.a2 = sigmoid(self.a1 @ self.W2 + self.b2)
        self.out = sigmoid(self.a2 @ self.W3 + self.b3)
        return self.out

    def loss(self, X, y):
        p = self.forward(X)
        return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))

    def backward(self, y):
        d3 = self.out - y
        d2 = (d3 @ self.W3.T) * self.a1 * (1 - self.a1)
        d1 = (d2 @ self.W2.T) * self.a1 * (1 - self.a1)
        return {
            "W1": self.X.T @ d1,
            "b1": d1.sum(axis=0),
            "W2": self.a1.T @ d2,
            "b2": d2.sum(axis=0),
            "W3": self.a2.T @ d3,
            "b3": d3.sum(axis=0),
        }
