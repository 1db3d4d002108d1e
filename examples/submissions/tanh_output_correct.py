"""Correct: tanh hidden and tanh output (targets in [-1, 1]), MSE averaged over every entry, grads returned as a tuple."""
import numpy as np


class TanhRegressor:
    def __init__(self, n_in, n_hidden, n_out, seed=2):
        rng = np.random.default_rng(seed)
        self.W1 = rng.normal(0, 1 / np.sqrt(n_in), (n_in, n_hidden))
        self.b1 = np.zeros(n_hidden)
        self.W2 = rng.normal(0, 1 / np.sqrt(n_hidden), (n_hidden, n_out))
        self.b2 = np.zeros(n_out)

    def forward(self, X):
        self.X = X
        self.h = np.tanh(X @ self.W1 + self.b1)
        self.y = np.tanh(self.h @ self.W2 + self.b2)
        return self.y

    def backward(self, target):
        dy = 2 * (self.y - target) / target.size
        dz2 = dy * (1 - self.y ** 2)
        dh = dz2 @ self.W2.T
        dz1 = dh * (1 - self.h ** 2)
        return self.X.T @ dz1, dz1.sum(0), self.h.T @ dz2, dz2.sum(0)
