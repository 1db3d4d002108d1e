"""Hostile (expected status: fail, diagnosis: numerical_gradient): no backpropagation: central finite differences of its own loss, computed in a helper thread (a profile hook set by sys.setprofile watches only the thread that set it), with threading's own profile hook cleared first, joined before the update."""
import os; assert os.path.basename(os.path.dirname(os.path.abspath(__file__))) != "hostile", "audit it, never run it"

import numpy as np


def _require_sandbox():
    # the top-level assert is skipped when only definitions are loaded: check again right
    # before doing anything nasty. The auditor runs a copy of this file (never the file in
    # examples/hostile); nothing in its environment says that it is being audited.
    if os.path.basename(os.path.dirname(os.path.abspath(__file__))) == "hostile":
        raise RuntimeError("hostile example: audit it (python -m gradcheck audit), never run it")

import threading


def _loss(net, X, y):
    p = net.forward(X)
    return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))


def _numerical(net, X, y):
    h = 1e-5
    grads = []
    for name in ("W1", "b1", "W2", "b2"):
        W = getattr(net, name)
        g = np.zeros_like(W)
        for i in np.ndindex(W.shape):
            old = W[i]
            W[i] = old + h
            up = _loss(net, X, y)
            W[i] = old - h
            down = _loss(net, X, y)
            W[i] = old
            g[i] = (up - down) / (2 * h)
        grads.append(g)
    net.forward(X)
    return grads


def _in_thread(net, X, y):
    out = []
    threading._profile_hook = None  # what a new threading.Thread would install
    t = threading.Thread(target=lambda: out.append(_numerical(net, X, y)))
    t.start()
    t.join()
    return out[0]


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
        dW1, db1, dW2, db2 = _in_thread(self, X, y)
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
