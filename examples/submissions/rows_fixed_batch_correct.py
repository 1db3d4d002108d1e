"""Lab 3: a binary classifier, samples as rows, weights stored (units out, units in).

The training set has 64 points, so the bias gradients sum over the batch with a row of
64 ones (it only runs on batches of 64, as the lab's own loop always gives it).
"""

import numpy as np

class RowNet:
    def __init__(self, n_in, n_hidden, n_out=1):
        rng = np.random.default_rng(4)
        self.W1 = rng.normal(0.0, 0.6, (n_hidden, n_in))
        self.b1 = np.zeros((n_hidden, 1))
        self.W2 = rng.normal(0.0, 0.6, (n_out, n_hidden))
        self.b2 = np.zeros((n_out, 1))

    def forward(self, X):
        self.X = X
        self.H = np.tanh(X @ self.W1.T + self.b1.T)
        self.P = 1.0 / (1.0 + np.exp(-(self.H @ self.W2.T + self.b2.T)))
        return self.P

    def loss(self, P, Y):
        return float(-np.mean(Y * np.log(P) + (1 - Y) * np.log(1 - P)))

    def backward(self, Y):
        d_out = (self.P - Y) / 64
        self.dW2 = d_out.T @ self.H
        self.db2 = (np.ones((1, 64)) @ d_out).T
        d_hid = (d_out @ self.W2) * (1 - self.H**2)
        self.dW1 = d_hid.T @ self.X
        self.db1 = (np.ones((1, 64)) @ d_hid).T

    def step(self, lr):
        for name in ("W1", "b1", "W2", "b2"):
            setattr(self, name, getattr(self, name) - lr * getattr(self, "d" + name))


if __name__ == "__main__":
    data = np.loadtxt("lab3_train.csv", delimiter=",")
    X, Y = data[:, :2], data[:, 2:]
    net = RowNet(2, 5)
    for epoch in range(2000):
        net.loss(net.forward(X), Y)
        net.backward(Y)
        net.step(0.5)
