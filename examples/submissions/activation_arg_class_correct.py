"""One network class, the activation passed in: fit(X, Y, act, act_prime, lr, epochs) compares sigmoid and tanh."""

import numpy as np


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def sigmoid_prime(z):
    return sigmoid(z) * (1 - sigmoid(z))


def tanh_fn(z):
    return np.tanh(z)


def tanh_prime(z):
    return 1 - np.tanh(z) ** 2


def mse(Y, out):
    return np.mean((out - Y) ** 2)


class Net:
    def __init__(self):
        rng = np.random.default_rng(1)
        self.w1 = rng.uniform(-0.5, 0.5, (4, 5))
        self.b1 = np.zeros((1, 5))
        self.w2 = rng.uniform(-0.5, 0.5, (5, 3))
        self.b2 = np.zeros((1, 3))

    def forward(self, X, act):
        self.z1 = X @ self.w1 + self.b1
        self.a1 = act(self.z1)
        self.z2 = self.a1 @ self.w2 + self.b2
        self.a2 = act(self.z2)
        return self.a2

    def backprop(self, X, Y, act_prime):
        d_out = 2 * (self.a2 - Y) / Y.size
        delta2 = d_out * act_prime(self.z2)
        self.dw2 = self.a1.T @ delta2
        self.db2 = delta2.sum(axis=0, keepdims=True)
        delta1 = (delta2 @ self.w2.T) * act_prime(self.z1)
        self.dw1 = X.T @ delta1
        self.db1 = delta1.sum(axis=0, keepdims=True)

    def fit(self, X, Y, act, act_prime, lr, epochs):
        history = []
        for _ in range(epochs):
            self.forward(X, act)
            history.append(mse(Y, self.a2))
            self.backprop(X, Y, act_prime)
            self.w1 -= lr * self.dw1
            self.b1 -= lr * self.db1
            self.w2 -= lr * self.dw2
            self.b2 -= lr * self.db2
        return history


Xd = np.random.default_rng(2).normal(size=(40, 4))
Yd = np.eye(3)[np.arange(40) % 3]
sig_net = Net()
sig_hist = sig_net.fit(Xd, Yd, sigmoid, sigmoid_prime, 0.5, 200)
tanh_net = Net()
tanh_hist = tanh_net.fit(Xd, Yd, tanh_fn, tanh_prime, 0.1, 200)
