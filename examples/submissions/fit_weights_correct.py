"""Correct: an sklearn-like regressor whose weights are created in fit(X, y) from the data's shape; predict() returns the output; _backprop(X, y) updates in place with self.eta; ReLU hidden, identity out, MSE."""
import numpy as np


class MLPRegressor:
    def __init__(self, n_hidden=10, eta=0.01, max_iter=100, random_state=0):
        self.n_hidden = n_hidden
        self.eta = eta
        self.max_iter = max_iter
        self.random_state = random_state

    def _forward(self, X):
        self.z = X @ self.W_in + self.b_in
        self.h = np.maximum(self.z, 0)
        return self.h @ self.W_out + self.b_out

    def _backprop(self, X, y):
        pred = self._forward(X)
        g = 2 * (pred - y) / y.size
        dW_out = self.h.T @ g
        db_out = g.sum(axis=0)
        gz = (g @ self.W_out.T) * (self.z > 0)
        dW_in = X.T @ gz
        db_in = gz.sum(axis=0)
        self.W_out -= self.eta * dW_out
        self.b_out -= self.eta * db_out
        self.W_in -= self.eta * dW_in
        self.b_in -= self.eta * db_in

    def fit(self, X, y):
        y = y.reshape(len(y), -1)
        rng = np.random.default_rng(self.random_state)
        self.W_in = rng.normal(0, np.sqrt(2 / X.shape[1]), (X.shape[1], self.n_hidden))
        self.b_in = np.full(self.n_hidden, 0.1)
        self.W_out = rng.normal(0, np.sqrt(1 / self.n_hidden), (self.n_hidden, y.shape[1]))
        self.b_out = np.zeros(y.shape[1])
        for _ in range(self.max_iter):
            self._backprop(X, y)
        return self

    def predict(self, X):
        return self._forward(X)
