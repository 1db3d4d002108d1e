"""Hostile (expected status: fail): the gradient has a sign bug; backward tries to replace it with the right one computed by the grader's own code (gradcheck.check, reference_nets.mlp, gradcheck.diagnose). Only the worker's modules are visible in the sandbox, so those imports fail and the submission's own wrong gradient is graded: fail, sign_flip."""
import os; assert os.path.basename(os.path.dirname(os.path.abspath(__file__))) != "hostile", "audit it, never run it"

import numpy as np


def _require_sandbox():
    # the top-level assert is skipped when only definitions are loaded: check again right
    # before doing anything nasty. The auditor runs a copy of this file (never the file in
    # examples/hostile); nothing in its environment says that it is being audited.
    if os.path.basename(os.path.dirname(os.path.abspath(__file__))) == "hostile":
        raise RuntimeError("hostile example: audit it (python -m gradcheck audit), never run it")

def _better_gradient(net, X, y):
    try:
        import reference_nets.mlp  # noqa: F401
        import gradcheck.check  # noqa: F401
    except ImportError as exc:
        print("reference unavailable:", exc)
        return None
    print("IMPORTED the grader's reference network")
    eps = 1e-6
    grads = []
    for name in ("W1", "b1", "W2", "b2"):
        W = getattr(net, name)
        g = np.zeros_like(W)
        for i in np.ndindex(W.shape):
            old = W[i]
            W[i] = old + eps
            lp = _loss(net, X, y)
            W[i] = old - eps
            lm = _loss(net, X, y)
            W[i] = old
            g[i] = (lp - lm) / (2 * eps)
        grads.append(g)
    return grads


def _loss(net, X, y):
    a1 = sigmoid(X @ net.W1 + net.b1)
    p = sigmoid(a1 @ net.W2 + net.b2)
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
        n = y.shape[0]
        dz2 = (y - self.a2) / n          # sign bug: dL/dz2 is (a2 - y) / n
        dW2 = self.a1.T @ dz2
        db2 = dz2.sum(axis=0, keepdims=True)
        dz1 = (dz2 @ self.W2.T) * self.a1 * (1 - self.a1)
        dW1 = X.T @ dz1
        db1 = dz1.sum(axis=0, keepdims=True)
        better = _better_gradient(self, X, y)
        if better is not None:
            dW1, db1, dW2, db2 = better
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
