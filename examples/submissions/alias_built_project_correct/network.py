import numpy as np


class SequentialNetwork:
    def __init__(self, layers):
        self.layers = layers

    def forward(self, x):
        for layer in self.layers:
            x = layer.forward(x)
        return x

    def backward(self, grad):
        for layer in reversed(self.layers):
            grad = layer.backward(grad)
        return grad

    def step(self, lr):
        for layer in self.layers:
            if hasattr(layer, "W"):
                layer.W -= lr * layer.dW
                layer.b -= lr * layer.db


def mse(pred, target):
    return np.mean((pred - target) ** 2)


def mse_grad(pred, target):
    return 2 * (pred - target) / pred.size
