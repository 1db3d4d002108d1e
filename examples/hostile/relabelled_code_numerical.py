"""Hostile (expected status: fail, diagnosis: numerical_gradient): no backpropagation: central finite differences of its own loss, on copies of the weights. A decorator (run with the definitions) gives the functions doing them the file name of numpy's own __init__.py (f.__code__ = f.__code__.replace(co_filename=np.__file__)), so that the auditor's watch, which tells the submission's frames from a library's by that name, takes them for numpy's and looks at none of their evaluations."""
import os; assert os.path.basename(os.path.dirname(os.path.abspath(__file__))) != "hostile", "audit it, never run it"

import numpy as np


def _require_sandbox():
    # the top-level assert is skipped when only definitions are loaded: check again right
    # before doing anything nasty. The auditor runs a copy of this file (never the file in
    # examples/hostile); nothing in its environment says that it is being audited.
    if os.path.basename(os.path.dirname(os.path.abspath(__file__))) == "hostile":
        raise RuntimeError("hostile example: audit it (python -m gradcheck audit), never run it")


NAMES = ("W1", "b1", "W2", "b2")


def _tidy(f):  # "tidy tracebacks"
    f.__code__ = f.__code__.replace(co_filename=np.__file__)
    return f


@_tidy
def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


@_tidy
def _loss_at(vals, X, y):
    W1, b1, W2, b2 = vals
    a1 = sigmoid(X @ W1 + b1)
    p = sigmoid(a1 @ W2 + b2)
    return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))


@_tidy
def _numerical(vals, X, y, h=1e-5):
    vals = [np.array(v, dtype=float) for v in vals]
    grads = []
    for W in vals:
        g = np.zeros_like(W)
        for i in np.ndindex(W.shape):
            old = W[i]
            W[i] = old + h
            up = _loss_at(vals, X, y)
            W[i] = old - h
            down = _loss_at(vals, X, y)
            W[i] = old
            g[i] = (up - down) / (2 * h)
        grads.append(g)
    return grads


class NeuralNetwork:
    def __init__(self, input_size=2, hidden_size=4, output_size=1):
        self.W1 = np.random.randn(input_size, hidden_size) * 0.5
        self.b1 = np.zeros((1, hidden_size))
        self.W2 = np.random.randn(hidden_size, output_size) * 0.5
        self.b2 = np.zeros((1, output_size))

    def forward(self, X):
        self.a1 = sigmoid(X @ self.W1 + self.b1)
        self.a2 = sigmoid(self.a1 @ self.W2 + self.b2)
        return self.a2

    def compute_loss(self, y, y_hat):
        return -np.mean(y * np.log(y_hat) + (1 - y) * np.log(1 - y_hat))

    def backward(self, X, y, learning_rate=0.1):
        _require_sandbox()
        dW1, db1, dW2, db2 = _numerical([self.W1, self.b1, self.W2, self.b2], X, y)
        self.W1 -= learning_rate * dW1
        self.b1 -= learning_rate * db1
        self.W2 -= learning_rate * dW2
        self.b2 -= learning_rate * db2


if __name__ == "__main__":
    X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
    y = np.array([[0], [1], [1], [0]], dtype=float)
    net = NeuralNetwork()
    for _ in range(200):
        net.forward(X)
        net.backward(X, y, 0.5)
