"""A two-layer softmax classifier as one class given its activations as objects: DenseLayer(20, ReLU(), 10,
SoftMax()); samples as columns, weights made in fit() from the data's size, updated in place."""

import numpy as np


class ReLU:
    def __call__(self, z):
        return np.maximum(z, 0)

    def gradient(self, z):
        return (z > 0).astype(float)


class SoftMax:
    def __call__(self, z):
        e = np.exp(z - z.max(axis=0))
        return e / e.sum(axis=0)

    def gradient(self, z):
        s = self(z)
        return s * (1 - s)


class DenseLayer:
    def __init__(self, hidden, act1, n_out, act2, lr=0.01, n_iter=100):
        self.hidden, self.af1, self.n_out, self.af2 = hidden, act1, n_out, act2
        self.lr, self.n_iter = lr, n_iter

    def init_params(self, n_in):
        self.W1 = np.random.randn(self.hidden, n_in) * 0.1
        self.b1 = np.zeros((self.hidden, 1))
        self.W2 = np.random.randn(self.n_out, self.hidden) * 0.1
        self.b2 = np.zeros((self.n_out, 1))

    def forward(self, X):
        self.Z1 = self.W1 @ X + self.b1
        self.A1 = self.af1(self.Z1)
        self.Z2 = self.W2 @ self.A1 + self.b2
        self.A2 = self.af2(self.Z2)
        return self.A2

    def onehot(self, y):
        out = np.zeros((self.n_out, y.size))
        out[y, np.arange(y.size)] = 1
        return out

    def backward_update(self, X, Y):
        m = Y.shape[1]
        dZ2 = self.A2 - Y
        dW2 = dZ2 @ self.A1.T / m
        db2 = np.sum(dZ2, axis=1, keepdims=True) / m
        dZ1 = self.W2.T @ dZ2 * self.af1.gradient(self.Z1)
        dW1 = dZ1 @ X.T / m
        db1 = np.sum(dZ1, axis=1, keepdims=True) / m
        self.W2 -= self.lr * dW2
        self.b2 -= self.lr * db2
        self.W1 -= self.lr * dW1
        self.b1 -= self.lr * db1

    def fit(self, X, y):
        self.init_params(X.shape[0])
        for _ in range(self.n_iter):
            self.forward(X)
            self.backward_update(X, self.onehot(y))


rng = np.random.default_rng(0)
X = rng.normal(size=(64, 300))
y = rng.integers(0, 10, size=300)
model = DenseLayer(20, ReLU(), 10, SoftMax(), lr=0.1, n_iter=50)
model.fit(X, y)
