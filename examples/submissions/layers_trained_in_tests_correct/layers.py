"""Assignment 4, part 1: layers with hand-written backward passes.

Each layer keeps what its backward needs; Linear stores its gradients in gW and gb.
"""

import numpy as np


class Linear:
    def __init__(self, n_in, n_out, rng=None):
        rng = rng or np.random.default_rng(0)
        self.weight = rng.normal(0.0, np.sqrt(2.0 / (n_in + n_out)), (n_in, n_out))
        self.bias = np.zeros(n_out)

    def forward(self, x):
        self.x = x
        return x @ self.weight + self.bias

    def backward(self, upstream):
        self.gW = self.x.T @ upstream
        self.gb = upstream.sum(axis=0)
        return upstream @ self.weight.T


class Sigmoid:
    def forward(self, x):
        self.out = 1.0 / (1.0 + np.exp(-x))
        return self.out

    def backward(self, upstream):
        return upstream * self.out * (1.0 - self.out)
