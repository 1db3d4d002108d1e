"""Class export, one folder deeper: correct, tanh hidden, sigmoid out, BCE, stores self.dW1 ... (no return)."""
import numpy as np


class MLP:
    def __init__(self, n_in=2, n_hidden=4, n_out=1):
        rng = np.random.default_rng(11)
        self.W1, self.b1 = rng.normal(size=(n_in, n_hidden)), np.zeros((1, n_hidden))
        self.W2, self.b2 = rng.normal(size=(n_hidden, n_out)), np.zeros((1, n_out))

    def forward(self, X):
        self.X = X
        self.h = np.tanh(X @ self.W1 + self.b1)
        self.out = 1 / (1 + np.exp(-(self.h @ self.W2 + self.b2)))
        return self.out

    def backward(self, y):
        dz2 = (self.out - y) / y.shape[0]
        self.dW2, self.db2 = self.h.T @ dz2, dz2.sum(0, keepdims=True)
        dz1 = dz2 @ self.W2.T * (1 - self.h ** 2)
        self.dW1, self.db1 = self.X.T @ dz1, dz1.sum(0, keepdims=True)
