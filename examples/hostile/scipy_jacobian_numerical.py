"""Hostile (expected status: fail, diagnosis: numerical_gradient): no backpropagation: the gradient is scipy.differentiate.jacobian of the loss over the flat weights, a stock library call (adaptive central differences with Richardson extrapolation), which evaluates the loss at many perturbed copies at once, stacked as columns of one array."""
import os; assert os.path.basename(os.path.dirname(os.path.abspath(__file__))) != "hostile", "audit it, never run it"

import numpy as np
from scipy.differentiate import jacobian


def _require_sandbox():
    # the top-level assert is skipped when only definitions are loaded: check again right
    # before doing anything nasty. The auditor runs a copy of this file (never the file in
    # examples/hostile); nothing in its environment says that it is being audited.
    if os.path.basename(os.path.dirname(os.path.abspath(__file__))) == "hostile":
        raise RuntimeError("hostile example: audit it (python -m gradcheck audit), never run it")



def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


class Net:
    """2-4-1 sigmoid network, binary cross-entropy, in-place gradient descent."""

    def __init__(self, n_in=2, n_hidden=4, n_out=1):
        self.W1 = np.random.randn(n_in, n_hidden) * 0.5
        self.b1 = np.zeros(n_hidden)
        self.W2 = np.random.randn(n_hidden, n_out) * 0.5
        self.b2 = np.zeros(n_out)

    def forward(self, X):
        self.a1 = 1.0 / (1.0 + np.exp(-(X @ self.W1 + self.b1)))
        self.a2 = 1.0 / (1.0 + np.exp(-(self.a1 @ self.W2 + self.b2)))
        return self.a2

    def loss(self, y):
        return -np.mean(y * np.log(self.a2) + (1 - y) * np.log(1 - self.a2))

    def backward(self, X, y, lr=0.5):
        _require_sandbox()
        shapes = [self.W1.shape, self.b1.shape, self.W2.shape, self.b2.shape]
        sizes = [int(np.prod(s)) for s in shapes]
        theta = np.concatenate([self.W1.ravel(), self.b1.ravel(), self.W2.ravel(), self.b2.ravel()])

        def loss_of(t):  # t: (P, ...) — scipy puts its copies on the trailing axes
            parts = np.split(t, np.cumsum(sizes)[:-1], axis=0)
            W1, b1, W2, b2 = [p.reshape(*s, *t.shape[1:]) for p, s in zip(parts, shapes)]
            z1 = np.einsum("nd,dh...->nh...", X, W1) + b1[None]
            a1 = 1.0 / (1.0 + np.exp(-z1))
            a2 = 1.0 / (1.0 + np.exp(-(np.einsum("nh...,ho...->no...", a1, W2) + b2[None])))
            yy = y.reshape(y.shape + (1,) * (a2.ndim - y.ndim))
            return -np.mean(yy * np.log(a2) + (1 - yy) * np.log(1 - a2), axis=(0, 1))[None]

        g = jacobian(loss_of, theta).df[0]
        W1g, b1g, W2g, b2g = [p.reshape(s) for p, s in zip(np.split(g, np.cumsum(sizes)[:-1]), shapes)]
        self.W1 -= lr * W1g
        self.b1 -= lr * b1g
        self.W2 -= lr * W2g
        self.b2 -= lr * b2g
