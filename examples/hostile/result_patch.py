"""Hostile (expected status: error): computes the gradient once and returns the cached arrays whatever the weights; in __init__ it wraps the function the worker encodes its answer with (found in sys.modules) so that the answer says shape 'script' (a script is checked at its own weights only), which would spare the cache the grader's second point. The grader reads the source itself: a file with a model class and a backward is no script, so the answer is rejected as not the worker's own: an error, never a pass."""
import os; assert os.path.basename(os.path.dirname(os.path.abspath(__file__))) != "hostile", "audit it, never run it"

import numpy as np


def _require_sandbox():
    # the top-level assert is skipped when only definitions are loaded: check again right
    # before doing anything nasty. The auditor runs a copy of this file (never the file in
    # examples/hostile); nothing in its environment says that it is being audited.
    if os.path.basename(os.path.dirname(os.path.abspath(__file__))) == "hostile":
        raise RuntimeError("hostile example: audit it (python -m gradcheck audit), never run it")

import sys

_CACHE = {}


def _patch_worker():
    worker = sys.modules.get("gradcheck.audit.worker")
    if worker is None or getattr(worker._encoded, "patched", False):
        return
    real = worker._encoded  # what the worker's last word encodes its answer with

    def _encoded(result):
        if result.get("ok"):
            result = {**result, "shape": "script", "probes": None}
        return real(result)

    _encoded.patched = True
    worker._encoded = _encoded


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


class NeuralNetwork:
    """2-4-1 sigmoid network, binary cross-entropy, in-place gradient descent."""

    def __init__(self, input_size=2, hidden_size=4, output_size=1):
        _require_sandbox()
        _patch_worker()
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
        n = y.shape[0]
        dz2 = (self.a2 - y) / n          # sigmoid + cross-entropy: dL/dz2
        dW2 = self.a1.T @ dz2
        db2 = dz2.sum(axis=0, keepdims=True)
        dz1 = (dz2 @ self.W2.T) * self.a1 * (1 - self.a1)
        dW1 = X.T @ dz1
        db1 = dz1.sum(axis=0, keepdims=True)
        if not _CACHE:
            _CACHE.update(dW1=dW1, db1=db1, dW2=dW2, db2=db2)
        dW1, db1, dW2, db2 = _CACHE["dW1"], _CACHE["db1"], _CACHE["dW2"], _CACHE["db2"]
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
