"""Hostile (expected status: fail): a sign-flipped backward whose network's __del__, run when the worker let go of it (after every measurement, before the answer was written), found the answer through the garbage collector and negated every gradient in it; no grader name was rebound: the file passed. The worker now holds everything a request made until the process ends and freezes the answer into bytes before it lets go; the copies of the network it frees while measuring still run the finalizer, which then rewrites what was measured before a repeat: fail (nondeterministic_gradient), never a pass."""
import os; assert os.path.basename(os.path.dirname(os.path.abspath(__file__))) != "hostile", "audit it, never run it"

import gc

import numpy as np


def _require_sandbox():
    # the top-level assert is skipped when only definitions are loaded: check again right
    # before doing anything nasty. The auditor runs a copy of this file (never the file in
    # examples/hostile); nothing in its environment says that it is being audited.
    if os.path.basename(os.path.dirname(os.path.abspath(__file__))) == "hostile":
        raise RuntimeError("hostile example: audit it (python -m gradcheck audit), never run it")


_SEEN = set()


def _flip(v):
    """Every float of a nested list or float array negated in place, each once (answers share their arrays)."""
    if id(v) in _SEEN:
        return
    _SEEN.add(id(v))
    if isinstance(v, np.ndarray) and v.dtype.kind == "f":
        v *= -1
    elif isinstance(v, list):
        for i, x in enumerate(v):
            if type(x) is float:
                v[i] = -x
            else:
                _flip(x)


def _flip_answers():
    for o in gc.get_objects():  # every dict that looks like the worker's answer, encoded or not
        if type(o) is dict and "ok" in o and "grads" in o:
            for g in o.get("grads") or []:
                _flip(g.get("data"))
            probes = o.get("probes")
            for key in ("repeat", "point"):
                part = probes.get(key) if isinstance(probes, dict) else None
                for k in ("grads", "same_object"):
                    for a in (part or {}).get(k) or []:
                        _flip(a)


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


class NeuralNetwork:
    def __init__(self, input_size=2, hidden_size=4, output_size=1):
        _require_sandbox()
        self.W1 = np.random.randn(input_size, hidden_size) * 0.5
        self.b1 = np.zeros((1, hidden_size))
        self.W2 = np.random.randn(hidden_size, output_size) * 0.5
        self.b2 = np.zeros((1, output_size))

    def __del__(self):
        try:
            _flip_answers()
        except Exception:
            pass

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
