"""Correct: squared error E = 1/2 * sum over samples and outputs (error() says so), three outputs, gradients without 1/N; the audit reads the convention off error()."""
import numpy as np


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


class Net:
    def __init__(self, n_in=4, n_hidden=6, n_out=3):
        rng = np.random.default_rng(12)
        self.w_ih = rng.uniform(-0.5, 0.5, (n_in, n_hidden))
        self.b_h = np.zeros(n_hidden)
        self.w_ho = rng.uniform(-0.5, 0.5, (n_hidden, n_out))
        self.b_o = np.zeros(n_out)

    def forward(self, x):
        self.x = x
        self.h = sigmoid(x @ self.w_ih + self.b_h)
        self.o = self.h @ self.w_ho + self.b_o
        return self.o

    def error(self, t):
        return 0.5 * np.sum((self.o - t) ** 2)

    def backward(self, t):
        delta_o = self.o - t
        delta_h = delta_o @ self.w_ho.T * self.h * (1 - self.h)
        return {"w_ih": self.x.T @ delta_h, "b_h": delta_h.sum(0), "w_ho": self.h.T @ delta_o, "b_o": delta_o.sum(0)}
