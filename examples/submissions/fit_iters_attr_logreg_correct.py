"""Logistic regression as an sklearn-style class: fit(X, y) makes the weights (a zero vector and a bias of 0) and
loops self.n_iters times, the gradient inline, the log-loss kept in self.losses; predict() thresholds."""
import numpy as np


class LogRegClassifier:
    def __init__(self, rate=0.05, n_iters=500):
        self.rate = rate
        self.n_iters = n_iters
        self.weights = None
        self.bias = None

    def _prob(self, X):
        return 1.0 / (1.0 + np.exp(-(X @ self.weights + self.bias)))

    def fit(self, X, y):
        rows, cols = X.shape
        self.weights = np.zeros(cols)
        self.bias = 0
        self.losses = []
        for _ in range(self.n_iters):
            p = self._prob(X)
            loss = -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))
            self.losses.append(loss)
            grad_w = X.T @ (p - y) / rows
            grad_b = np.sum(p - y) / rows
            self.weights -= self.rate * grad_w
            self.bias -= self.rate * grad_b
        return self

    def predict(self, X):
        return (self._prob(X) > 0.5).astype(int)
