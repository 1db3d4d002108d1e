"""A float32 2-layer classifier whose hidden derivative is taken at the activation: 1 - tanh(a1)**2."""
import numpy as np


class Float32Net:
    def __init__(self, n_in, n_hidden, seed=0):
        rng = np.random.default_rng(seed)
        self.W1 = rng.normal(0.0, 0.5, (n_in, n_hidden)).astype(np.float32)
        self.b1 = np.zeros(n_hidden, dtype=np.float32)
        self.W2 = rng.normal(0.0, 0.5, (n_hidden, 1)).astype(np.float32)
        self.b2 = np.zeros(1, dtype=np.float32)

    def forward(self, X):
        self.X = np.asarray(X, dtype=np.float32)
        self.a1 = np.tanh(self.X @ self.W1 + self.b1)
        self.out = 1.0 / (1.0 + np.exp(-(self.a1 @ self.W2 + self.b2)))
        return self.out

    def loss(self, X, y):
        p = np.clip(self.forward(X), 1e-6, 1 - 1e-6)
        y = np.asarray(y, dtype=np.float32)
        return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))

    def backward(self, X, y):
        out = self.forward(X)
        n = self.X.shape[0]
        d_out = (out - np.asarray(y, dtype=np.float32)) / n
        grads = {"W2": self.a1.T @ d_out, "b2": d_out.sum(axis=0)}
        d_a1 = (d_out @ self.W2.T) * (1.0 - np.tanh(self.a1) ** 2)
        grads["W1"] = self.X.T @ d_a1
        grads["b1"] = d_a1.sum(axis=0)
        return grads

    def train(self, X, y, lr=0.1, epochs=200):
        for _ in range(epochs):
            g = self.backward(X, y)
            for k in g:
                setattr(self, k, getattr(self, k) - np.float32(lr) * g[k])
