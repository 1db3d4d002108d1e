"""Layer sizes in a list; one sample at a time, as a column; sigmoid everywhere."""

import numpy as np


def sig(z):
    return 1.0 / (1.0 + np.exp(-z))


class TinyNet:
    def __init__(self, sizes):
        self.sizes = sizes
        self.W = [np.random.randn(n, m) / np.sqrt(m) for m, n in zip(sizes[:-1], sizes[1:])]
        self.B = [np.random.randn(n, 1) for n in sizes[1:]]

    def feedforward(self, a):
        for W, B in zip(self.W, self.B):
            a = sig(W @ a + B)
        return a

    def cost(self, a, y):
        return 0.5 * float(np.sum((a - y) ** 2))

    def backprop(self, x, y):
        outs, zs = [x], []
        for W, B in zip(self.W, self.B):
            zs.append(W @ outs[-1] + B)
            outs.append(sig(zs[-1]))
        gW = [None] * len(self.W)
        gB = [None] * len(self.B)
        err = (outs[-1] - y) * outs[-1] * (1 - outs[-1])
        for k in range(len(self.W) - 1, -1, -1):
            gW[k] = err @ outs[k].T
            gB[k] = err
            if k:
                err = (self.W[k].T @ err) * outs[k] * (1 - outs[k])
        return gB, gW

    def learn(self, pairs, rate):
        for x, y in pairs:
            gB, gW = self.backprop(x, y)
            self.W = [W - rate * g for W, g in zip(self.W, gW)]
            self.B = [B - rate * g for B, g in zip(self.B, gB)]
