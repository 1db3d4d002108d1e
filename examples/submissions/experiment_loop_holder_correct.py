"""Which hidden width fits best? One network per width, each assembled from layer objects and trained."""

import numpy as np


class Dense:
    def __init__(self, n_in, n_out):
        self.W = np.random.randn(n_in, n_out) * 0.5
        self.b = np.zeros((1, n_out))

    def forward(self, x):
        self.x = x
        return x @ self.W + self.b

    def backward(self, g, lr):
        gx = g @ self.W.T
        self.W -= lr * self.x.T @ g
        self.b -= lr * g.sum(axis=0, keepdims=True)
        return gx


class Tanh:
    def forward(self, x):
        self.y = np.tanh(x)
        return self.y

    def backward(self, g, lr):
        return g * (1 - self.y**2)


class Stack:
    def __init__(self):
        self.layers = []

    def add(self, layer):
        self.layers.append(layer)


def mse_prime(out, y):
    return 2 * (out - y) / y.size


def train(net, X, Y, epochs, lr):
    for _ in range(epochs):
        out = X
        for layer in net.layers:
            out = layer.forward(out)
        g = mse_prime(out, Y)
        for layer in reversed(net.layers):
            g = layer.backward(g, lr)
    return np.mean((out - Y) ** 2)


X = np.random.randn(64, 3)
Y = np.tanh(X @ np.array([[0.5], [-1.0], [0.3]]))
scores = []
for hidden in [4, 8, 16]:
    net = Stack()
    net.add(Dense(3, hidden))
    net.add(Tanh())
    net.add(Dense(hidden, 1))
    net.add(Tanh())
    scores.append(train(net, X, Y, epochs=200, lr=0.1))
print(scores)
