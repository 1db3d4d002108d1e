"""Homework 4: binary classifier, one softplus hidden layer, sigmoid output."""

import numpy as np


def sigmoid(t):
    return 1.0 / (1.0 + np.exp(-t))


class SmoothNet:
    def __init__(self, n_in, n_hidden):
        rng = np.random.default_rng(3)
        self.W1 = rng.normal(0.0, 0.8, size=(n_in, n_hidden))
        self.b1 = np.zeros(n_hidden)
        self.W2 = rng.normal(0.0, 0.8, size=(n_hidden, 1))
        self.b2 = np.zeros(1)

    def forward(self, X):
        self.a = X @ self.W1 + self.b1
        self.h = np.log(1.0 + np.exp(self.a))  # softplus
        self.p = sigmoid(self.h @ self.W2 + self.b2)
        return self.p

    def loss(self, X, y):
        p = self.forward(X)
        y = y.reshape(p.shape)
        # small constant so log never sees 0
        return -np.mean(y * np.log(p + 1e-8) + (1 - y) * np.log(1 - p + 1e-8))

    def gradients(self, X, y):
        p = self.forward(X)
        y = y.reshape(p.shape)
        d_out = (p - y) / len(X)
        grads = {"W2": self.h.T @ d_out, "b2": d_out.sum(axis=0)}
        d_a = (d_out @ self.W2.T) * sigmoid(self.h)  # softplus' = sigmoid
        grads["W1"] = X.T @ d_a
        grads["b1"] = d_a.sum(axis=0)
        return grads


if __name__ == "__main__":
    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 2))
    y = (X[:, 0] * X[:, 1] > 0).astype(float)
    net = SmoothNet(2, 6)
    for step in range(300):
        g = net.gradients(X, y)
        for name in g:
            setattr(net, name, getattr(net, name) - 0.5 * g[name])
        if step % 100 == 0:
            print(step, net.loss(X, y))
