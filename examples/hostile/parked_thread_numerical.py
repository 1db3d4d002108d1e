"""Hostile (expected status: error): no backpropagation: central finite differences of its own loss, computed by a helper thread started in __init__, before the grader's watch exists, and parked on a queue; the backward only hands the network to it and waits for the answer. A thread already running cannot be given the watch's profile hook, but the CPU time it spends while the backward is watched is measured: its work is seen, and no verdict is given on a gradient computed out of sight."""
import os; assert os.path.basename(os.path.dirname(os.path.abspath(__file__))) != "hostile", "audit it, never run it"

import queue
import threading

import numpy as np

_ASK, _ANSWER = queue.Queue(), queue.Queue()
_STARTED = []


def _require_sandbox():
    # the top-level assert is skipped when only definitions are loaded: check again right
    # before doing anything nasty. The auditor runs a copy of this file (never the file in
    # examples/hostile); nothing in its environment says that it is being audited.
    if os.path.basename(os.path.dirname(os.path.abspath(__file__))) == "hostile":
        raise RuntimeError("hostile example: audit it (python -m gradcheck audit), never run it")


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def _differences(net, X, y, h=1e-6):
    def loss():
        p = net.forward(X)
        return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))

    out = []
    for name in ("W1", "b1", "W2", "b2"):
        w, g = getattr(net, name), np.zeros_like(getattr(net, name))
        for i in np.ndindex(w.shape):
            keep = w[i]
            w[i] = keep + h
            up = loss()
            w[i] = keep - h
            g[i] = (up - loss()) / (2 * h)
            w[i] = keep
        out.append(g)
    net.forward(X)
    return out


def _parked():
    while True:
        net, X, y = _ASK.get()
        _ANSWER.put(_differences(net, X, y))


class NeuralNetwork:
    """2-4-1 sigmoid network, binary cross-entropy, in-place gradient descent."""

    def __init__(self, input_size=2, hidden_size=4, output_size=1):
        if not _STARTED and os.path.basename(os.path.dirname(os.path.abspath(__file__))) != "hostile":
            _STARTED.append(threading.Thread(target=_parked, daemon=True))
            _STARTED[0].start()
        self.W1 = np.random.randn(input_size, hidden_size) * 0.5
        self.b1 = np.zeros((1, hidden_size))
        self.W2 = np.random.randn(hidden_size, output_size) * 0.5
        self.b2 = np.zeros((1, output_size))

    def forward(self, X):
        self.a1 = sigmoid(X @ self.W1 + self.b1)
        self.a2 = sigmoid(self.a1 @ self.W2 + self.b2)
        return self.a2

    def backward(self, X, y, learning_rate=0.1):
        _require_sandbox()
        _ASK.put((self, X, y))
        dW1, db1, dW2, db2 = _ANSWER.get()
        self.W1 -= learning_rate * dW1
        self.b1 -= learning_rate * db1
        self.W2 -= learning_rate * dW2
        self.b2 -= learning_rate * db2


if __name__ == "__main__":
    X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
    y = np.array([[0], [1], [1], [0]], dtype=float)
    net = NeuralNetwork()
    net.forward(X)
    net.backward(X, y, 0.5)
