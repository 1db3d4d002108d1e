"""The book's layer blocks: each keeps what its backward needs."""

import numpy as np

from shared.maths import cross_entropy_error, softmax


class Dense:
    def __init__(self, W, b):
        self.W, self.b = W, b
        self.x = self.dW = self.db = None

    def forward(self, x):
        self.x = x
        return x @ self.W + self.b

    def backward(self, dout):
        self.dW = self.x.T @ dout
        self.db = dout.sum(axis=0)
        return dout @ self.W.T


class Rectifier:
    def forward(self, x):
        self.off = x <= 0
        out = x.copy()
        out[self.off] = 0
        return out

    def backward(self, dout):
        dout = dout.copy()
        dout[self.off] = 0
        return dout


class SoftmaxCrossEntropy:
    def forward(self, x, t):
        self.t, self.p = t, softmax(x)
        return cross_entropy_error(self.p, t)

    def backward(self, dout=1):
        n = self.t.shape[0]
        if self.t.size == self.p.size:
            return dout * (self.p - self.t) / n
        d = self.p.copy()
        d[np.arange(n), self.t] -= 1
        return dout * d / n
