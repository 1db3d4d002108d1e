"""Hostile (expected status: error): its backward prints terminal escapes (clear the screen, retitle the window) and raises an error whose message carries markup and control characters (`<script>`, a closing `</failure>` and a fake `<testcase>`, ESC and BEL), hoping to clear the instructor's terminal, run script in the class view, or make the class's junit.xml unparseable. The reports show the characters as escapes (\\x1b) and the markup as text."""
import os; assert os.path.basename(os.path.dirname(os.path.abspath(__file__))) != "hostile", "audit it, never run it"

import numpy as np


def _require_sandbox():
    # the top-level assert is skipped when only definitions are loaded: check again right
    # before doing anything nasty. The auditor runs a copy of this file (never the file in
    # examples/hostile); nothing in its environment says that it is being audited.
    if os.path.basename(os.path.dirname(os.path.abspath(__file__))) == "hostile":
        raise RuntimeError("hostile example: audit it (python -m gradcheck audit), never run it")


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
        print("\x1b[2J\x1b[H\x1b]0;owned\x07\x9b31m" * 50)
        raise ValueError('<script>alert("xss")</script>\x1b]0;owned\x07\x1b[2J\x00</failure><testcase name="injected"/>')


if __name__ == "__main__":
    X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
    y = np.array([[0], [1], [1], [0]], dtype=float)
    net = NeuralNetwork()
    net.forward(X)
    net.backward(X, y, 0.5)
