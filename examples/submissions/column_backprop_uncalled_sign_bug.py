"""As column_backprop_uncalled_correct.py with cost_derivative written y - output: every gradient has its sign flipped. A per-sample network of columns whose backprop(x, y) nothing in the file calls: x is one (n_in, 1) column,
tanh hidden layers and a sigmoid output, half the squared error through cost_derivative. Fed a batch of columns it
runs without raising and returns bias gradients of shape (n, batch): only one sample at a time gives its
gradients."""

import numpy as np


def tanh_prime(z):
    return 1.0 - np.tanh(z) ** 2


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


class ColumnNet:
    def __init__(self, layer_sizes, seed=3):
        gen = np.random.default_rng(seed)
        self.layer_sizes = list(layer_sizes)
        self.W = [gen.normal(0.0, 1.0 / np.sqrt(m), (n, m)) for m, n in zip(layer_sizes[:-1], layer_sizes[1:])]
        self.b = [np.zeros((n, 1)) for n in layer_sizes[1:]]

    def feedforward(self, a):
        for W, b in zip(self.W[:-1], self.b[:-1]):
            a = np.tanh(W @ a + b)
        return sigmoid(self.W[-1] @ a + self.b[-1])

    def cost(self, x, y):
        return 0.5 * float(np.sum((self.feedforward(x) - y) ** 2))

    def cost_derivative(self, output, y):
        return y - output

    def backprop(self, x, y):
        acts, pre = [x], []
        for W, b in zip(self.W, self.b):
            pre.append(W @ acts[-1] + b)
            acts.append(np.tanh(pre[-1]) if len(pre) < len(self.W) else sigmoid(pre[-1]))
        grad_W = [None] * len(self.W)
        grad_b = [None] * len(self.b)
        delta = self.cost_derivative(acts[-1], y) * acts[-1] * (1.0 - acts[-1])
        for i in reversed(range(len(self.W))):
            grad_W[i] = delta @ acts[i].T
            grad_b[i] = delta
            if i:
                delta = (self.W[i].T @ delta) * tanh_prime(pre[i - 1])
        return grad_W, grad_b

    def evaluate(self, pairs):
        return sum(int(np.round(self.feedforward(x)[0, 0]) == y[0, 0]) for x, y in pairs)
