"""create_model(hidden) assembles a Sequential with add(); sigmoid hidden and output, BCE.

Bug: the hidden Sigmoid's backward passes the gradient through without its derivative.
"""

import numpy as np


class FullyConnected:
    def __init__(self, n_in, n_out):
        self.w = np.random.randn(n_in, n_out) * 0.4
        self.b = np.zeros(n_out)

    def forward(self, x):
        self.x = x
        return x @ self.w + self.b

    def backward(self, g):
        self.dw = self.x.T @ g
        self.db = g.sum(axis=0)
        return g @ self.w.T


class Sigmoid:
    def forward(self, x):
        self.y = 1 / (1 + np.exp(-x))
        return self.y

    def backward(self, g):
        return g


class OutputSigmoid(Sigmoid):
    def backward(self, g):
        return g * self.y * (1 - self.y)


class BCE:
    def forward(self, p, t):
        return -np.mean(t * np.log(p) + (1 - t) * np.log(1 - p))

    def backward(self, p, t):
        return (p - t) / (p * (1 - p)) / p.size


class Sequential:
    def __init__(self):
        self.stack = []
        self.loss = BCE()

    def add(self, layer):
        self.stack.append(layer)

    def forward(self, x):
        for layer in self.stack:
            x = layer.forward(x)
        return x

    def backward(self, preds, targets):
        g = self.loss.backward(preds, targets)
        for layer in reversed(self.stack):
            g = layer.backward(g)


def create_model(hidden):
    model = Sequential()
    model.add(FullyConnected(2, hidden))
    model.add(Sigmoid())
    model.add(FullyConnected(hidden, 1))
    model.add(OutputSigmoid())
    return model


if __name__ == "__main__":
    model = create_model(12)
    x = np.random.rand(30, 2)
    t = (x[:, :1] > 0.5).astype(float)
    for _ in range(10):
        model.backward(model.forward(x), t)
