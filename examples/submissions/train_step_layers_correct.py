"""Correct: Dense/ReLU/MSELoss objects; Network(layers) built by the script, backward() takes nothing (MSELoss.forward stored the difference), train_step(x, y, lr) runs forward, loss, backward, step."""

import numpy as np


class Dense:
    def __init__(self, n_in, n_out):
        self.W = np.random.randn(n_in, n_out) * np.sqrt(2.0 / n_in)
        self.b = np.zeros((1, n_out))

    def forward(self, x):
        self.x = x
        return x @ self.W + self.b

    def backward(self, grad):
        self.dW = self.x.T @ grad
        self.db = grad.sum(axis=0, keepdims=True)
        return grad @ self.W.T

    def step(self, lr):
        self.W -= lr * self.dW
        self.b -= lr * self.db


class ReLU:
    def forward(self, x):
        self.mask = x > 0
        return x * self.mask

    def backward(self, grad):
        return grad * self.mask

    def step(self, lr):
        pass


class MSELoss:
    def forward(self, pred, target):
        self.diff = pred - target
        return np.mean(self.diff ** 2)

    def backward(self):
        return 2 * self.diff / self.diff.size


class Network:
    def __init__(self, layers):
        self.layers = layers
        self.loss_fn = MSELoss()

    def forward(self, x):
        for layer in self.layers:
            x = layer.forward(x)
        return x

    def backward(self):
        grad = self.loss_fn.backward()
        for layer in reversed(self.layers):
            grad = layer.backward(grad)

    def step(self, lr):
        for layer in self.layers:
            layer.step(lr)

    def train_step(self, x, y, lr):
        pred = self.forward(x)
        loss = self.loss_fn.forward(pred, y)
        self.backward()
        self.step(lr)
        return loss


if __name__ == "__main__":
    X = np.random.randn(200, 3)
    y = np.sin(X.sum(axis=1, keepdims=True))
    net = Network([Dense(3, 16), ReLU(), Dense(16, 1)])
    for epoch in range(100):
        loss = net.train_step(X, y, 0.05)
