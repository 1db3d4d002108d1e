"""Hostile (expected status: fail, diagnosis: sign_flip): an honest deep network, 24 tanh layers 3 units wide kept in lists, with a sign bug (error = y - yhat, W -= lr * dW). Every square weight fits the chain stored either way, so the grader listed 2**24 readings of the network before judging it: the batch stalled for days on one submission."""
import os; assert os.path.basename(os.path.dirname(os.path.abspath(__file__))) != "hostile", "audit it, never run it"

import numpy as np


def _require_sandbox():
    # the top-level assert is skipped when only definitions are loaded: check again right
    # before doing anything nasty. The auditor runs a copy of this file (never the file in
    # examples/hostile); nothing in its environment says that it is being audited.
    if os.path.basename(os.path.dirname(os.path.abspath(__file__))) == "hostile":
        raise RuntimeError("hostile example: audit it (python -m gradcheck audit), never run it")


DEPTH = 24


class NeuralNetwork:
    """2-3-...-3-1 tanh network (24 hidden layers), sigmoid output, binary cross-entropy, in-place updates."""

    def __init__(self, input_size=2, width=3, output_size=1):
        _require_sandbox()
        sizes = [input_size] + [width] * DEPTH + [output_size]
        self.weights = [np.random.randn(a, b) * 0.9 for a, b in zip(sizes[:-1], sizes[1:])]
        self.biases = [np.zeros((1, b)) for b in sizes[1:]]

    def forward(self, X):
        self.acts = [X]
        for W, b in zip(self.weights[:-1], self.biases[:-1]):
            self.acts.append(np.tanh(self.acts[-1] @ W + b))
        z = self.acts[-1] @ self.weights[-1] + self.biases[-1]
        self.acts.append(1.0 / (1.0 + np.exp(-z)))
        return self.acts[-1]

    def backward(self, X, y, learning_rate=0.1):
        delta = (y - self.acts[-1]) / len(X)  # the sign bug: yhat - y belongs here
        for i in reversed(range(len(self.weights))):
            dW = self.acts[i].T @ delta
            db = delta.sum(axis=0, keepdims=True)
            if i:
                delta = (delta @ self.weights[i].T) * (1 - self.acts[i] ** 2)
            self.weights[i] -= learning_rate * dW
            self.biases[i] -= learning_rate * db


if __name__ == "__main__":
    X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
    y = np.array([[0], [1], [1], [0]], dtype=float)
    net = NeuralNetwork()
    for epoch in range(1000):
        net.forward(X)
        net.backward(X, y, 0.5)
    print(net.forward(X).round(3))
