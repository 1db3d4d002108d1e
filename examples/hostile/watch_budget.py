"""Hostile (expected status: fail, diagnosis: numerical_gradient; OPEN): the central finite differences of inline_numerical.py, after 6,000 calls of a cheap builtin (abs) at the start of backward: the call watch compares the weights and the locals at the first 5,000 calls it sees and stops there, so that a long honest backward stays affordable."""
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
        for _ in range(6000):
            abs(-1.0)  # a builtin: each call is one the watch inspects, and spends its budget
        h = 1e-5
        grads = []
        for name in ("W1", "b1", "W2", "b2"):
            W = getattr(self, name)
            g = np.zeros_like(W)
            for i in np.ndindex(W.shape):
                diff = 0.0
                for sign in (1.0, -1.0):
                    w = {k: getattr(self, k).copy() for k in ("W1", "b1", "W2", "b2")}
                    w[name][i] += sign * h
                    a1 = 1.0 / (1.0 + np.exp(-(X @ w["W1"] + w["b1"])))
                    p = 1.0 / (1.0 + np.exp(-(a1 @ w["W2"] + w["b2"])))
                    diff += sign * -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))
                g[i] = diff / (2 * h)
            grads.append(g)
        dW1, db1, dW2, db2 = grads
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
