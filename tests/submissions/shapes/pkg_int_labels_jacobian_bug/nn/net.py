import numpy as np

from nn.layers import Dense, Tanh


class Classifier:
    def __init__(self, dims=(4, 10, 3)):
        self.layers = []
        for i in range(len(dims) - 1):
            self.layers.append(Dense(dims[i], dims[i + 1]))
            if i < len(dims) - 2:
                self.layers.append(Tanh())

    def forward(self, X):
        for l in self.layers:
            X = l.forward(X)
        return X

    def loss(self, X, y):
        scores = self.forward(X)
        scores = scores - scores.max(axis=1, keepdims=True)
        p = np.exp(scores)
        p /= p.sum(axis=1, keepdims=True)
        self.cache = (p, y)
        return -np.log(p[np.arange(len(y)), y]).mean()

    def backward(self):
        p, y = self.cache
        d = p.copy()
        d[np.arange(len(y)), y] -= 1
        d /= len(y)
        d = d * p * (1 - p)
        for l in reversed(self.layers):
            d = l.backward(d)

    def step(self, lr):
        for l in self.layers:
            if hasattr(l, "W"):
                l.W -= lr * l.dW
                l.b -= lr * l.db
