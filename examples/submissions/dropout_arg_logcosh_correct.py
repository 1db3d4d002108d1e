"""Regression with a fixed dropout mask on the hidden layer and a log-cosh loss.

forward(X, keep_prob) drops with the mask drawn once in the constructor (so that runs are repeatable);
loss() and backward() train with the default keep_prob.
"""

import numpy as np


class Net:
    def __init__(self, n_in=3, n_hidden=12, n_out=2, seed=0):
        rng = np.random.default_rng(seed)
        self.W1 = rng.normal(0, 0.6, (n_in, n_hidden))
        self.b1 = rng.normal(0, 0.2, n_hidden)
        self.W2 = rng.normal(0, 0.6, (n_hidden, n_out))
        self.b2 = np.zeros(n_out)
        self.mask = (np.random.default_rng(1).random(n_hidden) < 0.8) / 0.8

    def forward(self, X, keep_prob=0.8):
        self.Z1 = X @ self.W1 + self.b1
        self.A1 = np.tanh(self.Z1) * (self.mask if keep_prob < 1 else 1.0)
        return self.A1 @ self.W2 + self.b2

    def loss(self, X, Y):
        return np.mean(np.log(np.cosh(self.forward(X) - Y)))

    def backward(self, X, Y):
        out = self.forward(X)
        d = np.tanh(out - Y) / out.size
        dZ = (d @ self.W2.T) * self.mask * (1 - np.tanh(self.Z1) ** 2)
        return {"W1": X.T @ dZ, "b1": dZ.sum(0), "W2": self.A1.T @ d, "b2": d.sum(0)}


if __name__ == "__main__":
    rng = np.random.default_rng(2)
    X = rng.normal(size=(50, 3))
    Y = np.c_[np.sin(X[:, 0]), X[:, 1] - X[:, 2]]
    net = Net()
    for _ in range(200):
        g = net.backward(X, Y)
        for k in g:
            setattr(net, k, getattr(net, k) - 0.3 * g[k])
    print(net.loss(X, Y))
