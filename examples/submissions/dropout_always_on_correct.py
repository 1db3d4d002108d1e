import numpy as np


class DropoutNet:
    """tanh hidden layer with dropout that is always on (no switch), sigmoid output, BCE."""

    DROP = 0.25

    def __init__(self, n_in, n_hidden, n_out):
        self.W1 = np.random.randn(n_in, n_hidden) * 0.3
        self.b1 = np.zeros(n_hidden)
        self.W2 = np.random.randn(n_hidden, n_out) * 0.3
        self.b2 = np.zeros(n_out)

    def forward(self, X):
        self.X = X
        self.h = np.tanh(X @ self.W1 + self.b1)
        self.keep = (np.random.rand(*self.h.shape) >= self.DROP) / (1 - self.DROP)
        self.hd = self.h * self.keep
        self.out = 1 / (1 + np.exp(-(self.hd @ self.W2 + self.b2)))
        return self.out

    def loss(self, X, y):
        p = self.forward(X)
        return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))

    def backward(self, y):
        n = self.X.shape[0]
        d_out = (self.out - y) / (n * self.out.shape[1])
        dW2 = self.hd.T @ d_out
        db2 = d_out.sum(axis=0)
        dh = (d_out @ self.W2.T) * self.keep * (1 - self.h ** 2)
        dW1 = self.X.T @ dh
        db1 = dh.sum(axis=0)
        return dW1, db1, dW2, db2
