"""Hostile (expected status: fail, diagnosis: numerical_gradient; OPEN: it passes): the central finite differences of exec_numerical.py compiled from a string at run time into a function that numpy.apply_along_axis calls back: the frame doing them is code of no file whose caller is a library function, which the watch does not adopt as the submission's."""
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


_FD = 'h = 1e-5\ngrads = []\nfor name in ("W1", "b1", "W2", "b2"):\n    W = getattr(self, name)\n    g = np.zeros_like(W)\n    for i in np.ndindex(W.shape):\n        diff = 0.0\n        for sign in (1.0, -1.0):\n            w = {k: getattr(self, k).copy() for k in ("W1", "b1", "W2", "b2")}\n            w[name][i] += sign * h\n            a1 = 1.0 / (1.0 + np.exp(-(X @ w["W1"] + w["b1"])))\n            p = 1.0 / (1.0 + np.exp(-(a1 @ w["W2"] + w["b2"])))\n            diff += sign * -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))\n        g[i] = diff / (2 * h)\n    grads.append(g)\n'


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
        scope = {"np": np, "self": self, "X": X, "y": y}
        src = "def _fd(_):\n    global grads\n" + "".join("    " + line + "\n" for line in _FD.splitlines()) + "    return 0.0\n"
        exec(compile(src, "<generated>", "exec"), scope)
        np.apply_along_axis(scope["_fd"], 0, np.zeros((1, 1)))  # numpy calls the generated function back
        grads = scope["grads"]
        dW1, db1, dW2, db2 = grads
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
