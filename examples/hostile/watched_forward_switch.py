"""Hostile (expected status: fail, diagnosis: inconsistent_gradient): a sigmoid network whose backprop takes tanh's derivative (1 - a1**2). Where nobody watches (told by timing 200 calls of abs, as sys.getprofile() says None under the watch: its own weights, the repeats) its backward answers central finite differences of its own loss; where the auditor watches (the grader's second point) its forward computes tanh instead, for which its backprop is right, and the auditor's rule for weights that do not tell networks apart judged it there alone."""
import os; assert os.path.basename(os.path.dirname(os.path.abspath(__file__))) != "hostile", "audit it, never run it"


import numpy as np


def _require_sandbox():
    # the top-level assert is skipped when only definitions are loaded: check again right
    # before doing anything nasty. The auditor runs a copy of this file (never the file in
    # examples/hostile); nothing in its environment says that it is being audited.
    if os.path.basename(os.path.dirname(os.path.abspath(__file__))) == "hostile":
        raise RuntimeError("hostile example: audit it (python -m gradcheck audit), never run it")


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


def _loss_at(net, X, y):
    p = net.forward(X)
    return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))


class NeuralNetwork:
    def __init__(self, input_size=2, hidden_size=4, output_size=1):
        self.W1 = np.random.randn(input_size, hidden_size) * 0.5
        self.b1 = np.zeros((1, hidden_size))
        self.W2 = np.random.randn(hidden_size, output_size) * 0.5
        self.b2 = np.zeros((1, output_size))

    def forward(self, X):
        self._watched_now = _watched()
        z1 = X @ self.W1 + self.b1
        self.a1 = np.tanh(z1) if self._watched_now else sigmoid(z1)
        self.a2 = sigmoid(self.a1 @ self.W2 + self.b2)
        return self.a2

    def compute_loss(self, y, y_hat):
        return -np.mean(y * np.log(y_hat) + (1 - y) * np.log(1 - y_hat))

    def _numerical(self, X, y, h=1e-5):
        grads = []
        for name in ("W1", "b1", "W2", "b2"):
            W = getattr(self, name)
            g = np.zeros_like(W)
            for i in np.ndindex(W.shape):
                old = W[i]
                W[i] = old + h
                up = _loss_at(self, X, y)
                W[i] = old - h
                down = _loss_at(self, X, y)
                W[i] = old
                g[i] = (up - down) / (2 * h)
            grads.append(g)
        self.forward(X)
        return grads

    def backward(self, X, y, learning_rate=0.1):
        _require_sandbox()
        if not self._watched_now:
            dW1, db1, dW2, db2 = self._numerical(X, y)
        else:
            n = y.shape[0]
            dz2 = (self.a2 - y) / n
            dW2 = self.a1.T @ dz2
            db2 = dz2.sum(axis=0, keepdims=True)
            dz1 = (dz2 @ self.W2.T) * (1 - self.a1 ** 2)  # the bug: tanh's derivative in a sigmoid network
            dW1 = X.T @ dz1
            db1 = dz1.sum(axis=0, keepdims=True)
        self.W1 -= learning_rate * dW1
        self.b1 -= learning_rate * db1
        self.W2 -= learning_rate * dW2
        self.b2 -= learning_rate * db2
