"""Hostile (expected status: fail, diagnosis: sign_flip): its gradient has a sign bug; in __init__ it leaves numpy's global state altered inside the worker: floating-point errors ignored, print options that round every number to one decimal and show three entries, the legacy global random state reseeded, warnings silenced."""
import os; assert os.path.basename(os.path.dirname(os.path.abspath(__file__))) != "hostile", "audit it, never run it"

import warnings

import numpy as np


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


class NeuralNetwork:
    """2-4-1 sigmoid network, binary cross-entropy, in-place gradient descent."""

    def __init__(self, input_size=2, hidden_size=4, output_size=1):
        if os.path.basename(os.path.dirname(os.path.abspath(__file__))) == "hostile":
            raise RuntimeError("hostile example: audit it (python -m gradcheck audit), never run it")
        np.seterr(all="ignore")
        np.set_printoptions(precision=1, floatmode="fixed", suppress=True, threshold=3, edgeitems=1)
        np.random.seed(12345)
        warnings.simplefilter("ignore")
        self.W1 = np.random.randn(input_size, hidden_size) * 0.5
        self.b1 = np.zeros((1, hidden_size))
        self.W2 = np.random.randn(hidden_size, output_size) * 0.5
        self.b2 = np.zeros((1, output_size))

    def forward(self, X):
        self.a1 = sigmoid(X @ self.W1 + self.b1)
        self.a2 = sigmoid(self.a1 @ self.W2 + self.b2)
        return self.a2

    def backward(self, X, y, learning_rate=0.1):
        n = y.shape[0]
        dz2 = (y - self.a2) / n  # sign bug: dL/dz2 is (a2 - y) / n
        dW2 = self.a1.T @ dz2
        db2 = dz2.sum(axis=0, keepdims=True)
        dz1 = (dz2 @ self.W2.T) * self.a1 * (1 - self.a1)
        dW1 = X.T @ dz1
        db1 = dz1.sum(axis=0, keepdims=True)
        self.W1 -= learning_rate * dW1
        self.b1 -= learning_rate * db1
        self.W2 -= learning_rate * dW2
        self.b2 -= learning_rate * db2
