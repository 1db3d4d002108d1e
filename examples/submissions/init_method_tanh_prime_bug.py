"""A model whose weights are made in init(self, inputs, hidden, outputs); tanh hidden, sigmoid output, BCE.

The update's rate is written in train_step(): self.W1 = self.W1 - 0.1 * dW1.
Bug: tanh's derivative, 1 - tanh(x)**2, is taken of the hidden activation instead of its pre-activation.
"""

import numpy as np


class MLP:
    def init(self, inputs, hidden, outputs):
        rng = np.random.default_rng(11)
        self.W1 = rng.standard_normal((inputs, hidden)) * 0.5
        self.b1 = np.zeros((1, hidden))
        self.W2 = rng.standard_normal((hidden, outputs)) * 0.5
        self.b2 = np.zeros((1, outputs))

    def forward(self, X):
        self.X = X
        self.a1 = np.tanh(X @ self.W1 + self.b1)
        self.out = 1 / (1 + np.exp(-(self.a1 @ self.W2 + self.b2)))
        return self.out

    def bce(self, y):
        p = np.clip(self.out, 1e-9, 1 - 1e-9)
        return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))

    def train_step(self, y):
        n = y.shape[0]
        dz2 = (self.out - y) / n
        dW2 = self.a1.T @ dz2
        db2 = dz2.sum(axis=0, keepdims=True)
        dz1 = (dz2 @ self.W2.T) * (1 - np.tanh(self.a1) ** 2)
        dW1 = self.X.T @ dz1
        db1 = dz1.sum(axis=0, keepdims=True)
        self.W2 = self.W2 - 0.1 * dW2
        self.b2 = self.b2 - 0.1 * db2
        self.W1 = self.W1 - 0.1 * dW1
        self.b1 = self.b1 - 0.1 * db1


if __name__ == "__main__":
    data = np.random.default_rng(0).normal(size=(100, 3))
    labels = (data[:, :1] > data[:, 1:2]).astype(float)
    model = MLP()
    model.init(3, 6, 1)
    for epoch in range(2000):
        model.forward(data)
        model.train_step(labels)
    print(model.bce(labels))
