"""Hostile (expected status: fail, diagnosis: numerical_gradient): no backpropagation: central finite differences computed all at once, every perturbed copy of the weights a COLUMN of one array (theta[:, None] +- h I, shape (P, 2P)), the forward run on all columns with einsum; the copies are stacked along trailing axes, where a stack read along leading axes finds none."""
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
    """2-3-1 tanh network, sigmoid output, binary cross-entropy, in-place gradient descent."""

    def __init__(self, input_size=2, hidden_size=3, output_size=1):
        self.W1 = np.random.randn(input_size, hidden_size) * 0.5
        self.b1 = np.zeros((1, hidden_size))
        self.W2 = np.random.randn(hidden_size, output_size) * 0.5
        self.b2 = np.zeros((1, output_size))

    def forward(self, X):
        self.h = np.tanh(X @ self.W1 + self.b1)
        self.out = 1.0 / (1.0 + np.exp(-(self.h @ self.W2 + self.b2)))
        return self.out

    def loss(self, y):
        return -np.mean(y * np.log(self.out) + (1 - y) * np.log(1 - self.out))

    def _losses(self, cols, X, y):
        """The loss at every column of ``cols`` (each column all the weights, flat)."""
        shapes = [self.W1.shape, self.b1.shape, self.W2.shape, self.b2.shape]
        parts, at = [], 0
        for s in shapes:
            n = int(np.prod(s))
            parts.append(cols[at : at + n].reshape(*s, cols.shape[1]))
            at += n
        W1, b1, W2, b2 = parts
        h = np.tanh(np.einsum("nd,dhk->nhk", X, W1) + b1)
        out = 1.0 / (1.0 + np.exp(-(np.einsum("nhk,hok->nok", h, W2) + b2)))
        return -np.mean(y[..., None] * np.log(out) + (1 - y[..., None]) * np.log(1 - out), axis=(0, 1))

    def backward(self, X, y, learning_rate=0.1):
        _require_sandbox()
        eps = 1e-6
        theta = np.concatenate([self.W1.ravel(), self.b1.ravel(), self.W2.ravel(), self.b2.ravel()])
        n = theta.size
        cols = theta[:, None] + eps * np.hstack([np.eye(n), -np.eye(n)])  # (n, 2n): a copy per column
        L = self._losses(cols, X, y)
        g = (L[:n] - L[n:]) / (2 * eps)
        a = self.W1.size
        b = a + self.b1.size
        c = b + self.W2.size
        self.W1 -= learning_rate * g[:a].reshape(self.W1.shape)
        self.b1 -= learning_rate * g[a:b].reshape(self.b1.shape)
        self.W2 -= learning_rate * g[b:c].reshape(self.W2.shape)
        self.b2 -= learning_rate * g[c:].reshape(self.b2.shape)


if __name__ == "__main__":
    rng = np.random.default_rng(0)
    X = rng.normal(size=(8, 2))
    y = (X[:, :1] > 0).astype(float)
    net = NeuralNetwork()
    for _ in range(10):
        net.forward(X)
        net.backward(X, y)
