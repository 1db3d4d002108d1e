"""Binary logistic regression: one weight column and a bias, sigmoid output, mean binary cross-entropy."""

import numpy as np


class LogisticRegression:
    def __init__(self, n_features, seed=0):
        rng = np.random.default_rng(seed)
        self.W = rng.normal(0.0, 0.5, (n_features, 1))
        self.b = np.zeros(1)

    def forward(self, X):
        z = X @ self.W + self.b
        return 1.0 / (1.0 + np.exp(-z))

    def loss(self, X, y):
        p = self.forward(X)
        return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))

    def backward(self, X, y):
        p = self.forward(X)
        dz = (p - y) / X.shape[0]
        return X.T @ dz, dz.sum(axis=0)

    def fit(self, X, y, lr=0.5, epochs=100):
        for _ in range(epochs):
            dW, db = self.backward(X, y)
            self.W -= lr * dW
            self.b -= lr * db
