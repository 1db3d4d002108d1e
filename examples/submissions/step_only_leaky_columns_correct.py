"""Homework 3: a leaky-ReLU regressor, samples in columns (Ng's notation).

The forward pass lives inside step(); there is no separate predict.
"""

import numpy as np

SLOPE = 0.01


def leaky(z):
    return np.where(z > 0, z, SLOPE * z)


class Regressor:
    def __init__(self, layer_sizes, lr=0.01):
        rng = np.random.default_rng(3)
        n0, n1, n2 = layer_sizes
        self.W1 = rng.standard_normal((n1, n0)) * 0.3
        self.b1 = np.zeros((n1, 1))
        self.W2 = rng.standard_normal((n2, n1)) * 0.3
        self.b2 = np.zeros((n2, 1))
        self.lr = lr

    def step(self, X, Y):
        m = X.shape[1]
        Z1 = self.W1 @ X + self.b1
        A1 = leaky(Z1)
        A2 = self.W2 @ A1 + self.b2
        dZ2 = (A2 - Y) / m  # gradient of 0.5 * mean squared error
        dW2 = dZ2 @ A1.T
        db2 = dZ2.sum(axis=1, keepdims=True)
        dZ1 = (self.W2.T @ dZ2) * np.where(Z1 > 0, 1.0, SLOPE)
        dW1 = dZ1 @ X.T
        db1 = dZ1.sum(axis=1, keepdims=True)
        self.W1 = self.W1 - self.lr * dW1
        self.b1 = self.b1 - self.lr * db1
        self.W2 = self.W2 - self.lr * dW2
        self.b2 = self.b2 - self.lr * db2
        return 0.5 * np.mean((A2 - Y) ** 2)


if __name__ == "__main__":
    X = np.linspace(-1, 1, 40).reshape(1, -1)
    Y = X**2
    net = Regressor([1, 8, 1], lr=0.1)
    for epoch in range(2000):
        loss = net.step(X, Y)
    print("final loss", loss)
