"""Layers for the lab notebook (loaded there with %run, not imported)."""

import numpy as np


class Dense:
    def __init__(self, fan_in, fan_out, seed):
        rng = np.random.default_rng(seed)
        self.W = rng.normal(0.0, 1.0 / np.sqrt(fan_in), (fan_in, fan_out))
        self.b = np.zeros(fan_out)

    def forward(self, inputs):
        self.inputs = inputs
        return inputs @ self.W + self.b

    def backward(self, grad_out):
        self.grad_W = self.inputs.T @ grad_out
        self.grad_b = grad_out.sum(axis=0)
        return grad_out @ self.W.T


class Sigmoid:
    def forward(self, z):
        self.s = 1.0 / (1.0 + np.exp(-z))
        return self.s

    def backward(self, grad_out):
        return grad_out * self.s * (1.0 - self.s)
