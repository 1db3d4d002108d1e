"""Hostile (expected status: fail, diagnosis: sign_flip): its gradient has a sign bug, returned as a dict; after the backward has returned, code of its own turns the returned arrays right in place, before the worker reads them: a thread polling every 0.2 ms negates every array of each dict the backward returned, and an object left in a reference cycle by each call does the same from its __del__ when the garbage collector runs (any time the worker allocates). The worker read the right gradient at the student's weights and the wrong one at the grader's second point: it failed inconsistent_gradient, the bug itself unnamed."""
import os; assert os.path.basename(os.path.dirname(os.path.abspath(__file__))) != "hostile", "audit it, never run it"

import threading
import time

import numpy as np


def _require_sandbox():
    # the top-level assert is skipped when only definitions are loaded: check again right
    # before doing anything nasty. The auditor runs a copy of this file (never the file in
    # examples/hostile); nothing in its environment says that it is being audited.
    if os.path.basename(os.path.dirname(os.path.abspath(__file__))) == "hostile":
        raise RuntimeError("hostile example: audit it (python -m gradcheck audit), never run it")


_RETURNED = []  # every gradient dict the backward returned, to be made right once it is out
_LOCK = threading.Lock()


def _make_right(grads):
    for a in grads.values():
        a *= -1.0


def _poll():
    while True:
        time.sleep(0.0002)
        with _LOCK:
            pending, _RETURNED[:] = list(_RETURNED), []
        for grads in pending:
            _make_right(grads)


class _Finalizer:
    def __init__(self, grads):
        self.grads = grads
        self.me = self  # a reference cycle: only the garbage collector ends it

    def __del__(self):
        with _LOCK:
            if any(g is self.grads for g in _RETURNED):
                _RETURNED[:] = [g for g in _RETURNED if g is not self.grads]
                _make_right(self.grads)


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


class NeuralNetwork:
    """2-4-1 sigmoid network, binary cross-entropy, gradients returned as a dict."""

    def __init__(self, input_size=2, hidden_size=4, output_size=1):
        _require_sandbox()
        self.W1 = np.random.randn(input_size, hidden_size) * 0.5
        self.b1 = np.zeros((1, hidden_size))
        self.W2 = np.random.randn(hidden_size, output_size) * 0.5
        self.b2 = np.zeros((1, output_size))
        if not any(t.name == "rewriter" for t in threading.enumerate()):
            threading.Thread(target=_poll, name="rewriter", daemon=True).start()

    def forward(self, X):
        self.a1 = sigmoid(X @ self.W1 + self.b1)
        self.a2 = sigmoid(self.a1 @ self.W2 + self.b2)
        return self.a2

    def loss(self, y):
        return -np.mean(y * np.log(self.a2) + (1 - y) * np.log(1 - self.a2))

    def backward(self, X, y):
        m = X.shape[0]
        dz2 = (y - self.a2) / m  # the sign bug: the derivative of the loss is (a2 - y) / m
        dz1 = dz2 @ self.W2.T * self.a1 * (1 - self.a1)
        grads = {"W1": X.T @ dz1, "b1": dz1.sum(axis=0, keepdims=True), "W2": self.a1.T @ dz2,
                 "b2": dz2.sum(axis=0, keepdims=True)}
        with _LOCK:
            _RETURNED.append(grads)
        _Finalizer(grads)
        return grads
