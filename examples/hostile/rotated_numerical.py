"""Hostile (expected status: fail, diagnosis: numerical_gradient): no backpropagation: central finite differences of its own loss along the columns of a fixed random orthogonal matrix (every weight moved at once by a tiny step in each evaluation, not one entry at a time), then rotated back into a gradient."""
import os; assert os.path.basename(os.path.dirname(os.path.abspath(__file__))) != "hostile", "audit it, never run it"

import numpy as np


def _require_sandbox():
    # the top-level assert is skipped when only definitions are loaded: check again right
    # before doing anything nasty. The auditor runs a copy of this file (never the file in
    # examples/hostile); nothing in its environment says that it is being audited.
    if os.path.basename(os.path.dirname(os.path.abspath(__file__))) == "hostile":
        raise RuntimeError("hostile example: audit it (python -m gradcheck audit), never run it")



def _loss(net, X, y):
    p = net.forward(X)
    return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))


def _rotated(net, X, y):
    names = ("W1", "b1", "W2", "b2")
    shapes = [getattr(net, k).shape for k in names]
    sizes = [int(np.prod(s)) for s in shapes]
    theta = np.concatenate([getattr(net, k).ravel() for k in names])
    q, _ = np.linalg.qr(np.random.default_rng(7).standard_normal((theta.size, theta.size)))
    h = 1e-5

    def set_theta(t):
        parts = np.split(t, np.cumsum(sizes)[:-1])
        for k, s, p in zip(names, shapes, parts):
            getattr(net, k)[...] = p.reshape(s)

    d = np.zeros(theta.size)
    for k in range(theta.size):
        set_theta(theta + h * q[:, k])
        up = _loss(net, X, y)
        set_theta(theta - h * q[:, k])
        down = _loss(net, X, y)
        d[k] = (up - down) / (2 * h)
    set_theta(theta)
    net.forward(X)
    g = q @ d
    return [p.reshape(s) for p, s in zip(np.split(g, np.cumsum(sizes)[:-1]), shapes)]


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


class NeuralNetwork:
    """2-4-1 sigmoid network, binary cross-entropy, in-place gradient descent."""

    def __init__(self, input_size=2, hidden_size=4, output_size=1):
        self.W1 = np.random.randn(input_size, hidden_size) * 0.5
        self.b1 = np.zeros((1, hidden_size))
        self.W2 = np.random.randn(hidden_size, output_size) * 0.5
        self.b2 = np.zeros((1, output_size))

    def forward(self, X):
        self.a1 = sigmoid(X @ self.W1 + self.b1)
        self.a2 = sigmoid(self.a1 @ self.W2 + self.b2)
        return self.a2

    def loss(self, y):
        return -np.mean(y * np.log(self.a2) + (1 - y) * np.log(1 - self.a2))

    def backward(self, X, y, learning_rate=0.1):
        _require_sandbox()
        dW1, db1, dW2, db2 = _rotated(self, X, y)
        self.W1 -= learning_rate * dW1
        self.b1 -= learning_rate * db1
        self.W2 -= learning_rate * dW2
        self.b2 -= learning_rate * db2


if __name__ == "__main__":
    X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
    y = np.array([[0], [1], [1], [0]], dtype=float)
    net = NeuralNetwork()
    for epoch in range(10000):
        net.forward(X)
        net.backward(X, y, 0.5)
    print(net.forward(X).round(3))
