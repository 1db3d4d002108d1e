import numpy as np


class TwoLayerNet:
    """A small classifier trained by full-batch gradient descent."""

    def __init__(self, n_in, n_hidden, n_out, lr=0.1, seed=0):
        rng = np.random.default_rng(seed)
        self.W1 = rng.normal(0, 0.5, (n_in, n_hidden))
        self.b1 = np.zeros(n_hidden)
        self.W2 = rng.normal(0, 0.5, (n_hidden, n_out))
        self.b2 = np.zeros(n_out)
        self.lr = lr

    def train_step(self, X, y):
        h = np.tanh(X @ self.W1 + self.b1)
        out = 1.0 / (1.0 + np.exp(-(h @ self.W2 + self.b2)))
        n = X.shape[0]
        loss = np.mean((out - y) ** 2)
        d_out = 2 * (out - y) / (n * out.shape[1]) * out * (1 - out)
        dW2 = h.T @ d_out
        db2 = d_out.sum(axis=0)
        d_h = d_out @ self.W2.T * (1 - h**2)
        dW1 = X.T @ d_h
        db1 = d_h.sum(axis=0)
        self.W1 -= self.lr * dW1
        self.b1 -= self.lr * db1
        self.W2 -= self.lr * dW2
        self.b2 -= self.lr * db2
        return loss
