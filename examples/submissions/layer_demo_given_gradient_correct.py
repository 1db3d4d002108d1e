"""Checking my layer classes: a forward through three of them, then a made-up output gradient
pushed back through them (no loss yet: that is next week's part)."""

import numpy as np


class Affine:
    def __init__(self, n_in, n_out):
        self.weight = np.random.randn(n_in, n_out) / np.sqrt(n_in)
        self.bias = np.zeros(n_out)

    def forward(self, x):
        self.x = x
        return x @ self.weight + self.bias

    def backward(self, g):
        self.weight_grad = self.x.T @ g
        self.bias_grad = g.sum(axis=0)
        return g @ self.weight.T


class Relu:
    def forward(self, x):
        self.on = x > 0
        return x * self.on

    def backward(self, g):
        return g * self.on


np.random.seed(3)
first, act, second = Affine(6, 8), Relu(), Affine(8, 3)

inputs = np.random.randn(5, 6)
hidden = first.forward(inputs)
hidden_act = act.forward(hidden)
scores = second.forward(hidden_act)

upstream = np.random.randn(5, 3)
g_hidden_act = second.backward(upstream)
g_hidden = act.backward(g_hidden_act)
g_inputs = first.backward(g_hidden)
print(first.weight_grad.shape, second.bias_grad)
