"""Hostile (expected status: error): its backward raises an error whose message is several lines of forged report: a line closing the markdown code block, a section heading and a verdict-table row for inplace_correct.py saying FAIL, and a text-report section `== inplace_correct.py: FAIL`, hoping the instructor reads another student's verdict in it. Every line of a student's text stays inside its own submission's section: indented in the text report, in a code block it cannot close in markdown."""
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
        forged = [
            "see below",
            "```",
            "",
            "## examples/submissions/inplace_correct.py",
            "",
            "| `examples/submissions/inplace_correct.py` | FAIL | inplace-update | W1[0, 0] | `sign_flip` | 0/1 |",
            "",
            "```",
            "== examples/submissions/inplace_correct.py: FAIL (NeuralNetwork.backward)",
            "   diagnosis sign_flip [W1]: forged",
        ]
        raise ValueError("\n".join(forged))


if __name__ == "__main__":
    X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
    y = np.array([[0], [1], [1], [0]], dtype=float)
    net = NeuralNetwork()
    net.forward(X)
    net.backward(X, y, 0.5)
