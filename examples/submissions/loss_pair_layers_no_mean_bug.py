"""Regression with a small layer stack; the loss function hands back its own gradient (without the mean)."""
import numpy as np


class Dense:
    def __init__(self, fan_in, fan_out, rng):
        self.W = rng.normal(0.0, 1.0 / np.sqrt(fan_in), (fan_in, fan_out))
        self.b = np.zeros(fan_out)

    def forward(self, x):
        self.x = x
        return x @ self.W + self.b

    def backward(self, grad):
        self.dW = self.x.T @ grad
        self.db = grad.sum(axis=0)
        return grad @ self.W.T


class Tanh:
    def forward(self, x):
        self.y = np.tanh(x)
        return self.y

    def backward(self, grad):
        return grad * (1.0 - self.y**2)


class Model:
    def __init__(self, n_in, n_hidden, n_out, seed=0):
        rng = np.random.default_rng(seed)
        self.layers = [Dense(n_in, n_hidden, rng), Tanh(), Dense(n_hidden, n_out, rng)]

    def forward(self, x):
        for layer in self.layers:
            x = layer.forward(x)
        return x

    def backward(self, grad):
        for layer in reversed(self.layers):
            grad = layer.backward(grad)


def mse_loss(pred, target):
    diff = pred - target
    loss = np.mean(diff**2)
    grad = 2.0 * diff
    return loss, grad


def fit(model, x, y, epochs=200, lr=0.05):
    for _ in range(epochs):
        loss, grad = mse_loss(model.forward(x), y)
        model.backward(grad)
        for layer in model.layers:
            if isinstance(layer, Dense):
                layer.W -= lr * layer.dW
                layer.b -= lr * layer.db
    return loss
