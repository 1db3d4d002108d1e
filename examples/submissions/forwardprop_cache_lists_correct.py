"""A regression MLP whose forward pass only fills caches: forwardprop(x) returns nothing.

forwardprop(x) keeps every layer's pre-activation and activation on the object;
predict(x) computes the output again without them. backprop(y) reads the caches and
returns (grad_b, grad_w), two lists ordered bias first, each the sum over the batch;
update_batch() divides by the batch size. Weights are (fan_in, fan_out), biases
columns; sigmoid hidden layers, a linear output, squared error.
"""

import numpy as np


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def sigmoid_slope(z):
    s = sigmoid(z)
    return s * (1.0 - s)


def squared_error(y, y_hat, slope=False):
    if slope:
        return y_hat - y
    return 0.5 * np.sum((y_hat - y) ** 2) / len(y)


class Regressor:
    def __init__(self, sizes):
        self.sizes = sizes
        self.weights = [np.random.randn(a, b) / np.sqrt(a) for a, b in zip(sizes[:-1], sizes[1:])]
        self.biases = [np.zeros((b, 1)) for b in sizes[1:]]
        self.pre, self.activations = [], []

    def forwardprop(self, x):
        self.pre, self.activations = [], [x]
        a = x
        for k, (W, b) in enumerate(zip(self.weights, self.biases)):
            z = a @ W + b.T
            self.pre.append(z)
            a = z if k == len(self.weights) - 1 else sigmoid(z)
            self.activations.append(a)

    def predict(self, x):
        a = x
        for k, (W, b) in enumerate(zip(self.weights, self.biases)):
            z = a @ W + b.T
            a = z if k == len(self.weights) - 1 else sigmoid(z)
        return a

    def backprop(self, y):
        grad_b = [None] * len(self.biases)
        grad_w = [None] * len(self.weights)
        delta = squared_error(y, self.activations[-1], slope=True)
        for k in range(len(self.weights) - 1, -1, -1):
            grad_b[k] = delta.sum(axis=0, keepdims=True).T
            grad_w[k] = self.activations[k].T @ delta
            if k > 0:
                delta = (delta @ self.weights[k].T) * sigmoid_slope(self.pre[k - 1])
        return grad_b, grad_w

    def update_batch(self, x, y, lr):
        self.forwardprop(x)
        grad_b, grad_w = self.backprop(y)
        m = len(y)
        self.weights = [W - lr / m * g for W, g in zip(self.weights, grad_w)]
        self.biases = [b - lr / m * g for b, g in zip(self.biases, grad_b)]


if __name__ == "__main__":
    rng = np.random.default_rng(5)
    inputs = rng.standard_normal((40, 3))
    targets = np.sin(inputs.sum(axis=1, keepdims=True))
    model = Regressor([3, 6, 1])
    for epoch in range(200):
        model.update_batch(inputs, targets, 0.5)
    print(squared_error(targets, model.predict(inputs)))
