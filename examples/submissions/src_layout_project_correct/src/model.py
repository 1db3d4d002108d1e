import numpy as np

from src.layers.activations import LeakyReLU
from src.layers.dense import Dense


class Regressor:
    """Dense -> LeakyReLU -> Dense -> LeakyReLU -> Dense, trained on the mean squared error."""

    def __init__(self, sizes=(2, 8, 8, 1), seed=0):
        rng = np.random.default_rng(seed)
        self.layers = []
        for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:])):
            self.layers.append(Dense(n_in, n_out, rng))
            if i < len(sizes) - 2:
                self.layers.append(LeakyReLU())

    def forward(self, x):
        for layer in self.layers:
            x = layer.forward(x)
        return x

    def loss(self, y_hat, y):
        return np.mean((y_hat - y) ** 2)

    def backward(self, y_hat, y):
        grad = 2.0 * (y_hat - y) / y.size
        for layer in reversed(self.layers):
            grad = layer.backward(grad)

    def step(self, lr):
        for layer in self.layers:
            if isinstance(layer, Dense):
                layer.W -= lr * layer.dW
                layer.b -= lr * layer.db
