"""A small tanh network whose training method is called learn(); its constructor takes the layer
widths as `dimensions` and its learning rate as `sigma`, a name that says nothing about its role."""

import numpy as np


class TanhNet:
    def __init__(self, dimensions, sigma=0.05):
        rng = np.random.default_rng(11)
        self.sigma = sigma
        self.weights = [rng.normal(size=(a, b)) / np.sqrt(a) for a, b in zip(dimensions[:-1], dimensions[1:])]
        self.biases = [np.zeros((1, b)) for b in dimensions[1:]]

    def _layers(self, X):
        outs = [X]
        for W, b in zip(self.weights, self.biases):
            outs.append(np.tanh(outs[-1] @ W + b))
        return outs

    def predict(self, X):
        return self._layers(X)[-1]

    def loss(self, X, y):
        return 0.5 * np.sum((self.predict(X) - y) ** 2)

    def learn(self, X, y):
        outs = self._layers(X)
        delta = (outs[-1] - y) * (1 - outs[-1] ** 2)
        for i in reversed(range(len(self.weights))):
            grad_W = outs[i].T @ delta
            grad_b = delta.sum(axis=0, keepdims=True)
            if i > 0:
                back = (delta @ self.weights[i].T) * (1 - outs[i] ** 2)
            self.weights[i] -= self.sigma * grad_W
            self.biases[i] -= self.sigma * grad_b
            if i > 0:
                delta = back
