"""Layer objects: a dense layer updating itself in place, and an activation given as a function pair."""

import numpy as np


class Dense:
    def __init__(self, n_in, n_out):
        self.W = np.random.rand(n_in, n_out) - 0.5
        self.b = np.random.rand(1, n_out) - 0.5

    def forward(self, x):
        self.x = x
        return x @ self.W + self.b

    def backward(self, grad, lr):
        back = grad @ self.W.T
        self.W -= lr * self.x.T @ grad
        self.b -= lr * grad
        return back


class Act:
    def __init__(self, f, df):
        self.f, self.df = f, df

    def forward(self, x):
        self.x = x
        return self.f(x)

    def backward(self, grad, lr):
        return self.df(self.x) * grad
