"""Lab 5: a multilayer perceptron whose forward keeps every layer's activations."""

import numpy as np


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


class MLP:
    def __init__(self, sizes):
        rng = np.random.default_rng(0)
        self.weights = [rng.standard_normal((m, n)) * 0.5 for m, n in zip(sizes[:-1], sizes[1:])]
        self.biases = [np.zeros(n) for n in sizes[1:]]

    def forward(self, X):
        """Returns the list [X, a1, ..., output]; backward needs all of them."""
        activations = [X]
        last = len(self.weights) - 1
        for i, (W, b) in enumerate(zip(self.weights, self.biases)):
            z = activations[-1] @ W + b
            activations.append(sigmoid(z) if i == last else np.tanh(z))
        return activations

    def backward(self, activations, y):
        n = y.shape[0]
        delta = (activations[-1] - y) / n  # BCE through the sigmoid output
        grads_w, grads_b = [], []
        for i in range(len(self.weights) - 1, -1, -1):
            grads_w.insert(0, activations[i].T @ delta)
            grads_b.insert(0, delta.sum(axis=0))
            if i > 0:
                delta = (delta @ self.weights[i].T) * (1 - np.tanh(activations[i]) ** 2)
        return grads_w, grads_b

    def loss(self, X, y):
        p = self.forward(X)[-1]
        return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))


if __name__ == "__main__":
    X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
    y = np.array([[0], [1], [1], [0]], dtype=float)
    net = MLP([2, 4, 1])
    for epoch in range(5000):
        gw, gb = net.backward(net.forward(X), y)
        for i in range(len(gw)):
            net.weights[i] -= 0.5 * gw[i]
            net.biases[i] -= 0.5 * gb[i]
    print(net.loss(X, y))
