"""My layer classes for the homework."""

import numpy as np


class Linear:
    def __init__(self, fan_in, fan_out):
        self.weight = np.random.randn(fan_in, fan_out) * 0.4
        self.bias = np.zeros(fan_out)

    def forward(self, x):
        self.x = x
        return x @ self.weight + self.bias

    def backward(self, g):
        self.grad_weight = self.x.T @ g
        self.grad_bias = g.sum(axis=0)
        return g @ self.weight.T


class Tanh:
    def forward(self, x):
        self.t = np.tanh(x)
        return self.t

    def backward(self, g):
        return g * (1.0 - self.t ** 2)


class SquaredError:
    def forward(self, prediction, target):
        self.residual = prediction - target
        return 0.5 * np.sum(self.residual ** 2) / target.shape[0]

    def backward(self):
        return self.residual / self.residual.shape[0]
