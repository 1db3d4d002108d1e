"""Homework 3: a 2-layer binary classifier trained one example at a time."""

import numpy as np


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


class NeuralNet:
    def __init__(self, n_in, n_hid):
        self.w1 = np.random.normal(0, 0.5, (n_hid, n_in))
        self.b1 = np.zeros(n_hid)
        self.w2 = np.random.normal(0, 0.5, n_hid)
        self.b2 = 0.0

    def predict(self, x):
        h = np.tanh(self.w1 @ x + self.b1)
        return sigmoid(np.dot(self.w2, h) + self.b2)

    def loss(self, x, t):
        y = self.predict(x)
        return -(t * np.log(y) + (1 - t) * np.log(1 - y))

    def gradients(self, x, t):
        h = np.tanh(self.w1 @ x + self.b1)
        y = sigmoid(np.dot(self.w2, h) + self.b2)
        dL_dy = -t / y - (1 - t) / (1 - y)
        d_out = dL_dy * y * (1 - y)
        g_w2 = d_out * h
        g_b2 = d_out
        d_hid = d_out * self.w2 * (1 - h**2)
        g_w1 = np.outer(d_hid, x)
        g_b1 = d_hid
        return g_w1, g_b1, g_w2, g_b2

    def train(self, x, t, lr):
        g_w1, g_b1, g_w2, g_b2 = self.gradients(x, t)
        self.w1 -= lr * g_w1
        self.b1 -= lr * g_b1
        self.w2 -= lr * g_w2
        self.b2 -= lr * g_b2


if __name__ == "__main__":
    net = NeuralNet(2, 3)
    data = [(np.array([0.0, 0.0]), 0), (np.array([0.0, 1.0]), 1), (np.array([1.0, 0.0]), 1), (np.array([1.0, 1.0]), 0)]
    for epoch in range(1000):
        for x, t in data:
            net.train(x, t, 0.5)
    print([round(float(net.predict(x)), 3) for x, _ in data])
