"""Class export (a folder per student, every file called mlp.py): correct, sigmoid/sigmoid, MSE, returns a grads dict."""
import numpy as np


class MLP:
    def __init__(self, n_in=2, n_hidden=5, n_out=1):
        rng = np.random.default_rng(7)
        self.W1, self.b1 = rng.normal(size=(n_in, n_hidden)), np.zeros(n_hidden)
        self.W2, self.b2 = rng.normal(size=(n_hidden, n_out)), np.zeros(n_out)

    def forward(self, X):
        self.X = X
        self.h = 1 / (1 + np.exp(-(X @ self.W1 + self.b1)))
        self.out = 1 / (1 + np.exp(-(self.h @ self.W2 + self.b2)))
        return self.out

    def backward(self, y):
        d_out = 2 * (self.out - y) / y.size * self.out * (1 - self.out)
        d_h = d_out @ self.W2.T * self.h * (1 - self.h)
        return {"W1": self.X.T @ d_h, "b1": d_h.sum(0), "W2": self.h.T @ d_out, "b2": d_out.sum(0)}
