"""A small layer library whose Network.train looks its loss up by name (``loss="mse"`` by default).

Rows are samples. The loss classes have ``value`` and ``slope`` methods; the layers update
themselves in ``backward(grad, rate)`` after computing the gradient they pass back.
"""

import numpy as np


class Dense:
    def __init__(self, n_in, n_out, seed=0):
        rng = np.random.default_rng(seed + 31 * n_in + n_out)
        self.W = rng.normal(0.0, 1.0 / np.sqrt(n_in), (n_in, n_out))
        self.b = np.zeros((1, n_out))

    def forward(self, x):
        self.x = x
        return x @ self.W + self.b

    def backward(self, grad, rate):
        passed = grad @ self.W.T
        self.W -= rate * (self.x.T @ grad)
        self.b -= rate * grad.sum(axis=0, keepdims=True)
        return passed


class Tanh:
    def forward(self, x):
        self.x = x
        self.y = np.tanh(x)
        return self.y

    def backward(self, grad, rate):
        return grad * (1.0 - self.x**2)


class Sigmoid:
    def forward(self, x):
        self.y = 1.0 / (1.0 + np.exp(-x))
        return self.y

    def backward(self, grad, rate):
        return grad * self.y * (1.0 - self.y)


class SquaredError:
    def value(self, pred, target):
        return np.mean((pred - target) ** 2)

    def slope(self, pred, target):
        return 2.0 * (pred - target) / target.size


class LogLoss:
    def value(self, pred, target):
        return -np.mean(target * np.log(pred) + (1 - target) * np.log(1 - pred))

    def slope(self, pred, target):
        return (pred - target) / (pred * (1 - pred)) / target.size


LOSSES = {"mse": SquaredError, "bce": LogLoss}


class Network:
    def __init__(self, *layers):
        self.layers = list(layers)

    def predict(self, X):
        for layer in self.layers:
            X = layer.forward(X)
        return X

    def train(self, X, Y, epochs, learning_rate, loss="mse"):
        cost = LOSSES[loss]()
        for _ in range(epochs):
            out = self.predict(X)
            grad = cost.slope(out, Y)
            for layer in reversed(self.layers):
                grad = layer.backward(grad, learning_rate)
        return cost.value(self.predict(X), Y)


if __name__ == "__main__":
    X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    Y = np.array([[0.0], [1.0], [1.0], [0.0]])
    net = Network(Dense(2, 6), Tanh(), Dense(6, 1), Sigmoid())
    print(net.train(X, Y, epochs=3000, learning_rate=0.5))
