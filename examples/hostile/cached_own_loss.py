"""Hostile (expected status: fail, diagnosis: inconsistent_gradient): a hinge-loss net, a loss no reference network models, so its backward is checked against its own loss; the backward computes the right gradient once and returns that cached copy ever after (a module-level cache, kept across fresh objects), right at its own weights only."""
import os; assert os.path.basename(os.path.dirname(os.path.abspath(__file__))) != "hostile", "audit it, never run it"


import numpy as np

_CACHE = []


class MarginNet:
    def __init__(self, n_in, n_hidden, n_out=1, seed=3):
        rng = np.random.default_rng(seed)
        self.W1 = rng.normal(scale=0.5, size=(n_in, n_hidden))
        self.b1 = np.zeros(n_hidden)
        self.W2 = rng.normal(scale=0.5, size=(n_hidden, n_out))
        self.b2 = np.zeros(n_out)

    def forward(self, X):
        self.X = X
        self.H = np.tanh(X @ self.W1 + self.b1)
        self.S = self.H @ self.W2 + self.b2
        return self.S

    def hinge_loss(self, scores, y):
        signs = 2 * y - 1  # targets come as 0/1
        return np.mean(np.maximum(0.0, 1.0 - signs * scores))

    def backward(self, y):
        if _CACHE:
            self.dW1, self.db1, self.dW2, self.db2 = [a.copy() for a in _CACHE]
            return
        signs = 2 * y - 1
        active = (1.0 - signs * self.S) > 0
        dS = np.where(active, -signs, 0.0) / len(y)
        self.dW2 = self.H.T @ dS
        self.db2 = dS.sum(axis=0)
        dH = dS @ self.W2.T * (1 - self.H**2)
        self.dW1 = self.X.T @ dH
        self.db1 = dH.sum(axis=0)
        _CACHE.extend([self.dW1.copy(), self.db1.copy(), self.dW2.copy(), self.db2.copy()])

    def train(self, X, y, lr=0.05, epochs=100):
        for _ in range(epochs):
            self.forward(X)
            self.backward(y)
            self.W1 -= lr * self.dW1
            self.b1 -= lr * self.db1
            self.W2 -= lr * self.dW2
            self.b2 -= lr * self.db2
