"""Hostile (expected status: fail, diagnosis: numerical_gradient): no backpropagation: central finite differences of its own loss. Its weights are held read-only, so the auditor cannot copy its second point into them in place and sets them with setattr, and a deepcopy of the network goes through the same __setattr__; there, when the caller is not this file, it takes its differences at the weights just set and caches them. Its backward returns the cache, or, when sys.getprofile() says nobody watches, takes its differences itself; otherwise a sign-flipped gradient."""
import os; assert os.path.basename(os.path.dirname(os.path.abspath(__file__))) != "hostile", "audit it, never run it"

import sys

import numpy as np


def _require_sandbox():
    # the top-level assert is skipped when only definitions are loaded: check again right
    # before doing anything nasty. The auditor runs a copy of this file (never the file in
    # examples/hostile); nothing in its environment says that it is being audited.
    if os.path.basename(os.path.dirname(os.path.abspath(__file__))) == "hostile":
        raise RuntimeError("hostile example: audit it (python -m gradcheck audit), never run it")


NAMES = ("W1", "b1", "W2", "b2")
_CACHE = {}
_DATA = {}


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def _key(net):
    return b"".join(np.asarray(net.__dict__[n], dtype=float).tobytes() for n in NAMES)


def _loss_at(vals, X, y):
    W1, b1, W2, b2 = vals
    a1 = sigmoid(X @ W1 + b1)
    p = sigmoid(a1 @ W2 + b2)
    return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))


def _numerical(net, X, y, h=1e-5):
    vals = [np.array(net.__dict__[n], dtype=float) for n in NAMES]
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

    def __setattr__(self, name, value):
        if name in NAMES:
            value = np.array(value, dtype=float)
            value.flags.writeable = False
        object.__setattr__(self, name, value)
        if name in NAMES and sys._getframe(1).f_code.co_filename != __file__ and "X" in _DATA:
            if all(n in self.__dict__ for n in NAMES):
                _CACHE[_key(self)] = _numerical(self, _DATA["X"], _DATA["y"])

    def forward(self, X):
        self.a1 = sigmoid(X @ self.W1 + self.b1)
        self.a2 = sigmoid(self.a1 @ self.W2 + self.b2)
        return self.a2

    def __deepcopy__(self, memo):
        new = NeuralNetwork.__new__(NeuralNetwork)
        for k, v in self.__dict__.items():
            setattr(new, k, np.array(v, copy=True))
        return new

    def compute_loss(self, y, y_hat):
        return -np.mean(y * np.log(y_hat) + (1 - y) * np.log(1 - y_hat))

    def backward(self, X, y, learning_rate=0.1):
        _require_sandbox()
        grads = _CACHE.get(_key(self))
        _DATA["X"], _DATA["y"] = X, y
        if grads is None and sys.getprofile() is None:  # nobody watching
            grads = _numerical(self, X, y)
        if grads is None:  # wrong: sign bug in the output layer
            n = y.shape[0]
            dz2 = (y - self.a2) / n
            dW2 = self.a1.T @ dz2
            db2 = dz2.sum(axis=0, keepdims=True)
            dz1 = (dz2 @ self.W2.T) * self.a1 * (1 - self.a1)
            grads = [X.T @ dz1, dz1.sum(axis=0, keepdims=True), dW2, db2]
        dW1, db1, dW2, db2 = grads
        self.W1 = self.W1 - learning_rate * dW1
        self.b1 = self.b1 - learning_rate * db1
        self.W2 = self.W2 - learning_rate * dW2
        self.b2 = self.b2 - learning_rate * db2


if __name__ == "__main__":
    X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
    y = np.array([[0], [1], [1], [0]], dtype=float)
    net = NeuralNetwork()
    for epoch in range(200):
        net.forward(X)
        net.backward(X, y, 0.5)
