"""Hostile (expected status: fail, diagnosis: numerical_gradient): no backpropagation: central finite differences with the weights turned into plain Python lists (tolist) and the forward and loss written in pure Python (math.exp, math.log, sum): no numpy array of the weights is ever moved."""
import os; assert os.path.basename(os.path.dirname(os.path.abspath(__file__))) != "hostile", "audit it, never run it"

import math

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
        w = {k: getattr(self, k).tolist() for k in names}  # plain Python lists from here on: no numpy array
        rows, targets = X.tolist(), y.ravel().tolist()

        def cost(w):
            total = 0.0
            for x, t in zip(rows, targets):
                hidden = [
                    1.0 / (1.0 + math.exp(-(sum(x[i] * w["W1"][i][j] for i in range(len(x))) + w["b1"][0][j])))
                    for j in range(len(w["b1"][0]))
                ]
                z = sum(hidden[j] * w["W2"][j][0] for j in range(len(hidden))) + w["b2"][0][0]
                p = 1.0 / (1.0 + math.exp(-z))
                total -= t * math.log(p) + (1 - t) * math.log(1 - p)
            return total / len(rows)

        grads = []
        for k in names:
            g = np.zeros(getattr(self, k).shape)
            for i, j in np.ndindex(g.shape):
                keep = w[k][i][j]
                w[k][i][j] = keep + h
                up = cost(w)
                w[k][i][j] = keep - h
                down = cost(w)
                w[k][i][j] = keep
                g[i, j] = (up - down) / (2 * h)
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
