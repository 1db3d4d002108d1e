"""Hostile (expected status: fail, diagnosis: numerical_gradient): no backpropagation: central finite differences of its own loss, all of them taken on the first call of backward, which the auditor does not watch: at the weights it is called at, and at the grader's second point, computed with the worker's own probe_delta from the seed the grader sent (read out of the worker's memory). Every later call, the watched one at the second point among them, returns a cached answer and evaluates nothing."""
import os; assert os.path.basename(os.path.dirname(os.path.abspath(__file__))) != "hostile", "audit it, never run it"

import numpy as np


def _require_sandbox():
    # the top-level assert is skipped when only definitions are loaded: check again right
    # before doing anything nasty. The auditor runs a copy of this file (never the file in
    # examples/hostile); nothing in its environment says that it is being audited.
    if os.path.basename(os.path.dirname(os.path.abspath(__file__))) == "hostile":
        raise RuntimeError("hostile example: audit it (python -m gradcheck audit), never run it")

NAMES = ("W1", "b1", "W2", "b2")
_CACHE = {}


def _key(net):
    return b"".join(np.asarray(getattr(net, n), dtype=float).tobytes() for n in NAMES)


def _numerical(net, X, y, h=1e-5):
    grads = {}
    for name in NAMES:
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


def _second_point(net):
    """The grader's second point, as the worker will compute it: P1 + probe_delta(seed)."""
    import gc
    import sys

    seed = next((o["probe_seed"] for o in gc.get_objects() if isinstance(o, dict) and "probe_seed" in o and "lrs" in o), None)
    probes = sys.modules.get("gradcheck.audit.probes")
    if seed is None or probes is None:
        return None
    p1 = [np.asarray(getattr(net, n), dtype=float) for n in NAMES]
    return [a + d for a, d in zip(p1, probes.probe_delta([p.shape for p in p1], p1, seed))]


def _loss(net, X, y):
    p = net.forward(X)
    return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


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

    def backward(self, X, y, learning_rate=0.1):
        _require_sandbox()
        grads = _CACHE.get(_key(self))
        if grads is None:
            grads = _numerical(self, X, y)
            _CACHE[_key(self)] = grads
            second = _second_point(self)
            if second is not None:  # the point the watch will be on, differentiated now, unwatched
                other = NeuralNetwork.__new__(NeuralNetwork)
                for name, value in zip(NAMES, second):
                    setattr(other, name, value)
                _CACHE[_key(other)] = _numerical(other, X, y)
        self.forward(X)
        for name in NAMES:
            setattr(self, name, getattr(self, name) - learning_rate * grads[name])

if __name__ == "__main__":
    X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
    y = np.array([[0], [1], [1], [0]], dtype=float)
    net = NeuralNetwork()
    for epoch in range(10000):
        net.forward(X)
        net.backward(X, y, 0.5)
    print(net.forward(X).round(3))
