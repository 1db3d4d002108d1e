"""Weights in init(self, n_in, n_hidden, n_out) (no __init__); the update's rate 0.5 is written in backward()."""

import numpy as np


class Network:
    def init(self, n_in, n_hidden, n_out):
        self.w1 = np.random.uniform(-1, 1, (n_in, n_hidden))
        self.w2 = np.random.uniform(-1, 1, (n_hidden, n_out))

    def sigmoid(self, z):
        return 1 / (1 + np.exp(-z))

    def forward(self, x):
        self.x = x
        self.h = self.sigmoid(x @ self.w1)
        self.o = self.sigmoid(self.h @ self.w2)
        return self.o

    def cost(self, y):
        return np.mean((self.o - y) ** 2) / 2

    def backward(self, y):
        d_o = (self.o - y) * self.o * (1 - self.o) / y.shape[0]
        d_h = (d_o @ self.w2.T) * self.h * (1 - self.h)
        self.w2 -= 0.5 * self.h.T @ d_o
        self.w1 -= 0.5 * self.x.T @ d_h


if __name__ == "__main__":
    X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
    Y = np.array([[0], [1], [1], [0]], dtype=float)
    net = Network()
    net.init(2, 4, 1)
    for i in range(10000):
        net.forward(X)
        net.backward(Y)
    print(net.forward(X))
