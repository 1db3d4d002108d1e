"""Digits classifier kept in float32: relu hidden, softmax output, one in-place step per batch."""

import numpy as np


def relu(z):
    return np.maximum(0, z)


def softmax(z):
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


class DigitMLP:
    def __init__(self, n_in, n_hidden, n_out, lr=0.1, seed=7):
        rng = np.random.default_rng(seed)
        self.W1 = rng.normal(0, np.sqrt(2.0 / n_in), (n_in, n_hidden)).astype(np.float32)
        self.b1 = np.zeros((1, n_hidden), dtype=np.float32)
        self.W2 = rng.normal(0, np.sqrt(2.0 / n_hidden), (n_hidden, n_out)).astype(np.float32)
        self.b2 = np.zeros((1, n_out), dtype=np.float32)
        self.lr = lr

    def forward(self, X):
        self.z1 = X @ self.W1 + self.b1
        self.h1 = relu(self.z1)
        self.p = softmax(self.h1 @ self.W2 + self.b2)
        return self.p

    def backward(self, X, Y):
        n = X.shape[0]
        dz2 = (self.p - Y) / n
        dW2 = self.h1.T @ dz2
        db2 = dz2.sum(axis=0, keepdims=True)
        dz1 = (dz2 @ self.W2.T) * (self.z1 > 0)
        dW1 = X.T @ dz1
        db1 = dz1.sum(axis=0, keepdims=True)
        self.W2 -= self.lr * dW2
        self.b2 -= self.lr * db2
        self.W1 -= self.lr * dW1
        self.b1 -= self.lr * db1


def cross_entropy(Y, p):
    return -np.sum(Y * np.log(p + 1e-12)) / Y.shape[0]
