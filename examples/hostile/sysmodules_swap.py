"""Hostile (expected status: error): a sign-flipped backward that puts a dict subclass in place of sys.modules; its get(), called by the worker's own check of its functions right before the answer was encoded, negated every gradient in the answer (the check ran the submission's code): the file passed. The check now reads the interpreter's own module dict with dict's own method and names sys.modules as rebound: an error, never a pass."""
import os; assert os.path.basename(os.path.dirname(os.path.abspath(__file__))) != "hostile", "audit it, never run it"

import sys

import numpy as np


def _require_sandbox():
    # the top-level assert is skipped when only definitions are loaded: check again right
    # before doing anything nasty. The auditor runs a copy of this file (never the file in
    # examples/hostile); nothing in its environment says that it is being audited.
    if os.path.basename(os.path.dirname(os.path.abspath(__file__))) == "hostile":
        raise RuntimeError("hostile example: audit it (python -m gradcheck audit), never run it")


class _State:
    done = False


def _in_changed():
    f = sys._getframe(2)
    while f is not None:
        if f.f_code.co_name == "changed" and f.f_code.co_filename.endswith("intact.py"):
            return f
        f = f.f_back
    return None


def _flip_all():
    f = sys._getframe(1)
    result = None
    while f is not None:
        if f.f_code.co_name == "<lambda>" and "result" in f.f_locals:
            result = f.f_locals["result"]
        f = f.f_back
    if not isinstance(result, dict):
        return
    for g in result.get("grads") or []:
        if isinstance(g.get("data"), np.ndarray):
            g["data"] *= -1
    probes = result.get("probes") or {}
    for key in ("repeat", "point"):
        part = probes.get(key) or {}
        for k in ("grads", "same_object"):
            for a in part.get(k) or []:
                if isinstance(a, np.ndarray):
                    a *= -1


class _Modules(dict):
    done = False

    def get(self, *a):
        if not _Modules.done and _in_changed() is not None and sys._getframe(1).f_code.co_name != "<listcomp>" or (
            not _Modules.done and _in_changed() is not None
        ):
            _Modules.done = True
            _flip_all()
        return dict.get(self, *a)


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


class NeuralNetwork:
    def __init__(self, input_size=2, hidden_size=4, output_size=1):
        _require_sandbox()
        if not isinstance(sys.modules, _Modules):
            sys.modules = _Modules(sys.modules)
        self.W1 = np.random.randn(input_size, hidden_size) * 0.5
        self.b1 = np.zeros((1, hidden_size))
        self.W2 = np.random.randn(hidden_size, output_size) * 0.5
        self.b2 = np.zeros((1, output_size))

    def forward(self, X):
        self.a1 = sigmoid(X @ self.W1 + self.b1)
        self.a2 = sigmoid(self.a1 @ self.W2 + self.b2)
        return self.a2

    def compute_loss(self, y, y_hat):
        eps = 1e-12
        return -np.mean(y * np.log(y_hat + eps) + (1 - y) * np.log(1 - y_hat + eps))

    def backward(self, X, y, learning_rate):
        n = y.shape[0]
        dz2 = (y - self.a2) / n  # sign bug
        dW2 = self.a1.T @ dz2
        db2 = np.sum(dz2, axis=0, keepdims=True)
        dz1 = (dz2 @ self.W2.T) * self.a1 * (1 - self.a1)
        dW1 = X.T @ dz1
        db1 = np.sum(dz1, axis=0, keepdims=True)
        self.W2 -= learning_rate * dW2
        self.b2 -= learning_rate * db2
        self.W1 -= learning_rate * dW1
        self.b1 -= learning_rate * db1
