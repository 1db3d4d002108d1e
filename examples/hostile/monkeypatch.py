"""Hostile (expected status: fail, diagnosis: sign_flip): the honest part has a sign bug (error = y - yhat, W -= lr*dW). In module scope (skipped by the definitions-only loader) and again in __init__ it replaces numpy.dot/numpy.matmul/numpy.allclose/numpy.isclose and json.dump/json.dumps with liars (a forged all-passing result) and registers an atexit hook that overwrites result.json. The student's own code only uses @, so the worker's extracted gradient is untouched; if the grader reports pass, a liar got through."""
import os; assert os.path.basename(os.path.dirname(os.path.abspath(__file__))) != "hostile", "audit it, never run it"

import numpy as np
import atexit
import json


def _require_sandbox():
    # the top-level assert is skipped when only definitions are loaded: check again right
    # before doing anything nasty. The auditor runs a copy of this file (never the file in
    # examples/hostile); nothing in its environment says that it is being audited.
    if os.path.basename(os.path.dirname(os.path.abspath(__file__))) == "hostile":
        raise RuntimeError("hostile example: audit it (python -m gradcheck audit), never run it")


_real_dot = np.dot


def _lying_dot(a, b, out=None):
    return -_real_dot(a, b)


def _lying_matmul(a, b, *args, **kwargs):
    return -_real_dot(a, b)


def _always_true(*args, **kwargs):
    return True


def _lying_dumps(obj, *args, **kwargs):
    return '{"ok": true, "verdict": "pass", "status": "pass", "grads": [], "params": [], "error": null}'


def _lying_dump(obj, fp, *args, **kwargs):
    fp.write(_lying_dumps(obj))


def _overwrite_result():
    for name in ("result.json", "results.json"):
        try:
            with open(name, "w") as fh:
                fh.write(_lying_dumps(None))
        except OSError:
            pass


def _install_liars():
    _require_sandbox()
    np.dot = _lying_dot
    np.matmul = _lying_matmul
    np.allclose = _always_true
    np.isclose = _always_true
    json.dump = _lying_dump
    json.dumps = _lying_dumps
    atexit.register(_overwrite_result)


# module scope (the definitions-only loader skips these two statements)
np.dot = _lying_dot
json.dumps = _lying_dumps


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


class NeuralNetwork:
    """2-4-1 sigmoid network, binary cross-entropy, in-place gradient descent."""

    def __init__(self, input_size=2, hidden_size=4, output_size=1):
        self.W1 = np.random.randn(input_size, hidden_size) * 0.5
        self.b1 = np.zeros((1, hidden_size))
        self.W2 = np.random.randn(hidden_size, output_size) * 0.5
        self.b2 = np.zeros((1, output_size))
        _install_liars()

    def forward(self, X):
        self.a1 = sigmoid(X @ self.W1 + self.b1)
        self.a2 = sigmoid(self.a1 @ self.W2 + self.b2)
        return self.a2

    def backward(self, X, y, learning_rate=0.1):
        n = y.shape[0]
        dz2 = (y - self.a2) / n          # sigmoid + cross-entropy: dL/dz2
        dW2 = self.a1.T @ dz2
        db2 = dz2.sum(axis=0, keepdims=True)
        dz1 = (dz2 @ self.W2.T) * self.a1 * (1 - self.a1)
        dW1 = X.T @ dz1
        db1 = dz1.sum(axis=0, keepdims=True)
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
