"""Hostile (expected status: fail, diagnosis: numerical_gradient): no backpropagation: central differences of its own cost(theta) (a flat vector of every weight) along 2P random directions, a call of cost at zeros between any two calls near the weights, so that no move between successive calls is small, the gradient fitted by least squares."""
import os; assert os.path.basename(os.path.dirname(os.path.abspath(__file__))) != "hostile", "audit it, never run it"

import numpy as np


def _require_sandbox():
    # the top-level assert is skipped when only definitions are loaded: check again right
    # before doing anything nasty. The auditor runs a copy of this file (never the file in
    # examples/hostile); nothing in its environment says that it is being audited.
    if os.path.basename(os.path.dirname(os.path.abspath(__file__))) == "hostile":
        raise RuntimeError("hostile example: audit it (python -m gradcheck audit), never run it")



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
        h = 1e-5
        names = ("W1", "b1", "W2", "b2")
        theta = np.concatenate([getattr(self, k).ravel() for k in names])
        shapes = [getattr(self, k).shape for k in names]
        cuts = np.cumsum([getattr(self, k).size for k in names])[:-1]

        def cost(t):
            W1, b1, W2, b2 = [part.reshape(s) for part, s in zip(np.split(t, cuts), shapes)]
            a1 = 1.0 / (1.0 + np.exp(-(X @ W1 + b1)))
            p = 1.0 / (1.0 + np.exp(-(a1 @ W2 + b2)))
            return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))

        rng = np.random.default_rng(7)
        D = rng.standard_normal((2 * theta.size, theta.size))  # more random directions than weights
        slopes = []
        for d in D:
            ahead = cost(theta + h * d)
            cost(np.zeros_like(theta))  # a call far away between any two near ones: no small move between calls
            behind = cost(theta - h * d)
            cost(np.zeros_like(theta))
            slopes.append((ahead - behind) / (2 * h))
        g = np.linalg.lstsq(D, np.array(slopes), rcond=None)[0]
        dW1, db1, dW2, db2 = [part.reshape(s) for part, s in zip(np.split(g, cuts), shapes)]
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
