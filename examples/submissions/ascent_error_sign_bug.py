"""Ascent-form updates (self.w2 += lr * ...) with the error y - o; sigmoid/sigmoid, 0.5 * mean squared error."""
import numpy as np


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


class Net:
    def __init__(self, sizes=(2, 4, 1)):
        rng = np.random.default_rng(5)
        self.w1 = rng.normal(0, 1, (sizes[0], sizes[1]))
        self.w2 = rng.normal(0, 1, (sizes[1], sizes[2]))
        self.bias1 = np.zeros(sizes[1])
        self.bias2 = np.zeros(sizes[2])

    def feedforward(self, X):
        self.X = X
        self.h = sigmoid(X @ self.w1 + self.bias1)
        self.o = sigmoid(self.h @ self.w2 + self.bias2)
        return self.o

    def loss(self, y):
        return 0.5 * np.mean(np.sum((y - self.o) ** 2, axis=1))

    def backprop(self, y, lr=0.1):
        n = len(y)
        err = (self.o - y) / n
        d_o = err * self.o * (1 - self.o)
        d_h = (d_o @ self.w2.T) * self.h * (1 - self.h)
        self.w2 += lr * self.h.T @ d_o
        self.bias2 += lr * d_o.sum(axis=0)
        self.w1 += lr * self.X.T @ d_h
        self.bias1 += lr * d_h.sum(axis=0)


if __name__ == "__main__":
    X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], float)
    y = np.array([[0], [1], [1], [0]], float)
    net = Net()
    for _ in range(1000):
        net.feedforward(X)
        net.backprop(y, lr=0.5)
    print(net.loss(y))
