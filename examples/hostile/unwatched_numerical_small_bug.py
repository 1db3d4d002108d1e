"""Hostile (expected status: fail, diagnosis: inconsistent_gradient): its backprop has a small bug (dL/da2 divided by a2 (1 - a2) + 1e-3, a stray epsilon, then multiplied by the sigmoid's derivative: 0.4% off), which it runs only where the auditor watches (the grader's second point: told by timing 200 calls of abs, as sys.getprofile() says None there); everywhere else, at its own weights among them, it returns central finite differences of its own loss. At the second point a gradient off by less than 1e-2 was read as the rounding of a saturated unit: a full pass."""
import os; assert os.path.basename(os.path.dirname(os.path.abspath(__file__))) != "hostile", "audit it, never run it"

import numpy as np


def _require_sandbox():
    # the top-level assert is skipped when only definitions are loaded: check again right
    # before doing anything nasty. The auditor runs a copy of this file (never the file in
    # examples/hostile); nothing in its environment says that it is being audited.
    if os.path.basename(os.path.dirname(os.path.abspath(__file__))) == "hostile":
        raise RuntimeError("hostile example: audit it (python -m gradcheck audit), never run it")

def _loss(net, X, y):
    p = net.forward(X)
    return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))


_CLOCK = {}


def _watched():
    """Whether a profile hook watches this thread: 200 calls of a builtin take ~10 us, and far longer when
    every call runs a hook (sys.getprofile() says None while the auditor watches)."""
    import time

    def lap():
        t = time.perf_counter()
        for _ in range(200):
            abs(-1.0)
        return time.perf_counter() - t

    now = min(lap() for _ in range(3))
    base = _CLOCK.setdefault("base", now)  # the first call (the submission's own weights) is not watched
    _CLOCK["base"] = min(base, now) if now < 20 * base else base
    return now > 20 * base


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def _numerical(net, X, y, h=1e-5):
    grads = {}
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
        grads[name] = g
    return grads


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

    def compute_loss(self, y, y_hat):
        return -np.mean(y * np.log(y_hat) + (1 - y) * np.log(1 - y_hat))

    def backward(self, X, y, learning_rate=0.1):
        _require_sandbox()
        if _watched():  # watched: its own backprop
            n = y.shape[0]
            da2 = (self.a2 - y) / (self.a2 * (1 - self.a2) + 1e-3) / n  # the stray epsilon
            dz2 = da2 * self.a2 * (1 - self.a2)
            dz1 = (dz2 @ self.W2.T) * self.a1 * (1 - self.a1)
            grads = {"W1": X.T @ dz1, "b1": dz1.sum(axis=0, keepdims=True), "W2": self.a1.T @ dz2,
                     "b2": dz2.sum(axis=0, keepdims=True)}
        else:
            grads = _numerical(self, X, y)
        dW1, db1, dW2, db2 = grads["W1"], grads["b1"], grads["W2"], grads["b2"]
        self.forward(X)
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
