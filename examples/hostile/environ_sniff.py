"""Hostile (expected status: pass): a submission that behaves only when it is not being graded: it looks for a sign of the grader in its environment variables, its arguments, its module name and its working directory, prints them all, and breaks its gradient (a factor 2) if it finds one. The auditor leaves no such sign: the honest gradient passes."""
import os; assert os.path.basename(os.path.dirname(os.path.abspath(__file__))) != "hostile", "audit it, never run it"

import numpy as np


def _require_sandbox():
    # the top-level assert is skipped when only definitions are loaded: check again right
    # before doing anything nasty. The auditor runs a copy of this file (never the file in
    # examples/hostile); nothing in its environment says that it is being audited.
    if os.path.basename(os.path.dirname(os.path.abspath(__file__))) == "hostile":
        raise RuntimeError("hostile example: audit it (python -m gradcheck audit), never run it")

_SIGNS = ("GRADCHECK", "SANDBOX", "AUDIT", "GRADER", "AUTOGRADER", "COVERAGE", "PYTEST")


def _graded():
    import sys
    _require_sandbox()
    print("ENV", sorted(os.environ))
    print("ARGV", sys.argv, "NAME", __name__, "CWD", os.getcwd())
    seen = [k for k in os.environ if any(s in k.upper() for s in _SIGNS)]
    seen += [a for a in sys.argv if any(s.lower() in a.lower() for s in _SIGNS)]
    if __name__ not in ("__main__",) or "student" in __name__:
        seen.append(__name__)
    if any(s.lower() in os.getcwd().lower() for s in _SIGNS):
        seen.append(os.getcwd())
    print("SIGNS OF GRADING:", seen)
    return bool(seen)


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

    def loss(self, y):
        return -np.mean(y * np.log(self.a2) + (1 - y) * np.log(1 - self.a2))

    def backward(self, X, y, learning_rate=0.1):
        _require_sandbox()
        n = y.shape[0]
        dz2 = (self.a2 - y) / n          # sigmoid + cross-entropy: dL/dz2
        dW2 = self.a1.T @ dz2
        db2 = dz2.sum(axis=0, keepdims=True)
        dz1 = (dz2 @ self.W2.T) * self.a1 * (1 - self.a1)
        dW1 = X.T @ dz1
        db1 = dz1.sum(axis=0, keepdims=True)
        if _graded():
            dW1, db1, dW2, db2 = 2 * dW1, 2 * db1, 2 * dW2, 2 * db2
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
