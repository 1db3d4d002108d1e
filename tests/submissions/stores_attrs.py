"""Student: predict + backprop storing self.dW1...; a separate update() applies them."""
import numpy as np


class Net:
    def __init__(self, n_in, n_out, n_hidden=4):
        self.W1 = np.random.randn(n_in, n_hidden)
        self.b1 = np.random.randn(n_hidden) * 0.1
        self.W2 = np.random.randn(n_hidden, n_out)
        self.b2 = np.random.randn(n_out) * 0.1

    def predict(self, X):
        self.h = 1 / (1 + np.exp(-(X @ self.W1 + self.b1)))
        self.out = self.h @ self.W2 + self.b2
        return self.out

    def backprop(self, X, y):
        d = (self.out - y) / X.shape[0]
        self.dW2 = self.h.T @ d
        self.db2 = d.sum(0)
        dh = d @ self.W2.T * self.h * (1 - self.h)
        self.dW1 = X.T @ dh
        self.db1 = dh.sum(0)

    def update(self, lr):
        for k in ("W1", "b1", "W2", "b2"):
            setattr(self, k, getattr(self, k) - lr * getattr(self, "d" + k))
