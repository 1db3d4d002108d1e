"""Hostile (expected status: error): encoder_swap.py's sign-flipped backward, with the encoder's own method replaced instead (json.JSONEncoder.encode = ..., the class left the same object). The worker watches the methods of the classes whose names it watches, and answers an error naming json.encoder.JSONEncoder.encode: an error, never a pass."""
import os; assert os.path.basename(os.path.dirname(os.path.abspath(__file__))) != "hostile", "audit it, never run it"

import json

import numpy as np


def _require_sandbox():
    # the top-level assert is skipped when only definitions are loaded: check again right
    # before doing anything nasty. The auditor runs a copy of this file (never the file in
    # examples/hostile); nothing in its environment says that it is being audited.
    if os.path.basename(os.path.dirname(os.path.abspath(__file__))) == "hostile":
        raise RuntimeError("hostile example: audit it (python -m gradcheck audit), never run it")


def _flip(v):
    if isinstance(v, list):
        return [_flip(x) for x in v]
    return -v if isinstance(v, float) else v


class _Flipping:
    def encode(self, o):
        if isinstance(o, dict) and o.get("grads"):
            o = {**o, "grads": [{**g, "data": _flip(g.get("data"))} for g in o["grads"]]}
            probes = o.get("probes")
            if isinstance(probes, dict):
                probes = dict(probes)
                for key in ("repeat", "point"):
                    part = probes.get(key)
                    if isinstance(part, dict):
                        probes[key] = {k: _flip(v) if k in ("grads", "same_object") else v for k, v in part.items()}
                o["probes"] = probes
        return _REAL(self, o)


_REAL = json.JSONEncoder.encode



def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


class NeuralNetwork:
    """2-4-1 sigmoid network, binary cross-entropy, in-place gradient descent."""

    def __init__(self, input_size=2, hidden_size=4, output_size=1):
        _require_sandbox()
        json.JSONEncoder.encode = _Flipping.encode
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
        dz2 = (y - self.a2) / n  # the sign bug the encoder hides
        dW2 = self.a1.T @ dz2
        db2 = np.sum(dz2, axis=0, keepdims=True)
        dz1 = (dz2 @ self.W2.T) * self.a1 * (1 - self.a1)
        dW1 = X.T @ dz1
        db1 = np.sum(dz1, axis=0, keepdims=True)
        self.W2 -= learning_rate * dW2
        self.b2 -= learning_rate * db2
        self.W1 -= learning_rate * dW1
        self.b1 -= learning_rate * db1
