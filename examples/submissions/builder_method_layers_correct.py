"""A tiny layer library: the network builds its own layers from a list of sizes.

net.build((2, 4, 1), Sigmoid) adds a Linear layer and an activation per step; train()
feeds one sample at a time (each a (1, n) row) and updates the weights in place.
"""

import numpy as np


class Sigmoid:
    def forward(self, z):
        self.out = 1.0 / (1.0 + np.exp(-z))
        return self.out

    def backward(self, grad, rate):
        return grad * self.out * (1.0 - self.out)


class Linear:
    def __init__(self, n_in, n_out):
        self.W = np.random.uniform(-1.0, 1.0, (n_in, n_out))
        self.b = np.random.uniform(-1.0, 1.0, (1, n_out))

    def forward(self, x):
        self.x = x
        return x @ self.W + self.b

    def backward(self, grad, rate):
        back = grad @ self.W.T
        self.W -= rate * (self.x.T @ grad)
        self.b -= rate * grad
        return back


class HalfSquaredError:
    def value(target, guess):
        return 0.5 * np.sum((guess - target) ** 2)

    def derivative(target, guess):
        return guess - target


class LayerNet:
    def __init__(self, rate=0.5, loss=HalfSquaredError):
        self.layers = []
        self.rate = rate
        self.loss = loss

    def add(self, layer):
        self.layers.append(layer)

    def build(self, sizes, activation=Sigmoid):
        for n_in, n_out in zip(sizes[:-1], sizes[1:]):
            self.add(Linear(n_in, n_out))
            self.add(activation())

    def predict(self, rows):
        outputs = []
        for row in rows:
            for layer in self.layers:
                row = layer.forward(row)
            outputs.append(row)
        return outputs

    def train(self, rows, targets, epochs):
        for epoch in range(epochs):
            total = 0.0
            for row, target in zip(rows, targets):
                out = row
                for layer in self.layers:
                    out = layer.forward(out)
                total += self.loss.value(target, out)
                grad = self.loss.derivative(target, out)
                for layer in reversed(self.layers):
                    grad = layer.backward(grad, self.rate)
            if epoch % 500 == 0:
                print(epoch, total / len(rows))


rows = np.array([[[0.0, 0.0]], [[0.0, 1.0]], [[1.0, 0.0]], [[1.0, 1.0]]])
targets = np.array([[[0.0]], [[1.0]], [[1.0]], [[0.0]]])
np.random.seed(1)
net = LayerNet()
net.build((2, 4, 1), Sigmoid)
net.train(rows, targets, 2000)
print(net.predict(rows))
