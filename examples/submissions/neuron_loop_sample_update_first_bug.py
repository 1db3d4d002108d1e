"""Project 2 (applied maths): a small perceptron network, one sample at a time.

The forward goes neuron by neuron (each neuron's value is a Python float); training
takes one input vector and its expected output and steps the squared error
(the output layer is stepped before its error is passed back)
0.5 * sum((output - expected) ** 2).
"""

import math

import numpy as np


def logistic(v):
    return 1 / (1 + math.exp(-v))


class Net:
    def __init__(self, sizes, rate):
        rng = np.random.default_rng(7)
        self.rate = np.array(rate)
        self.weights = [rng.normal(0, 1, (sizes[k], sizes[k - 1])) for k in range(1, len(sizes))]

    def values(self, x):
        layers = [x]
        for W in self.weights:
            layers.append([logistic(float(np.sum(row * layers[-1]))) for row in W])
        return layers

    def predict(self, x):
        return self.values(x)[-1]

    def sse(self, x, expected):
        return 0.5 * float(np.sum((np.array(self.predict(x)) - expected) ** 2))

    def train(self, x, expected):
        layers = [np.array(v, dtype=float) for v in self.values(x)]
        out, hidden = layers[2], layers[1]
        delta_out = (out - expected) * out * (1 - out)
        self.weights[1] -= self.rate * np.outer(delta_out, hidden)
        delta_hidden = (self.weights[1].T @ delta_out) * hidden * (1 - hidden)
        self.weights[0] -= self.rate * np.outer(delta_hidden, x)


if __name__ == "__main__":
    data = [(np.array([0.0, 0.0, 1.0]), 0.0), (np.array([0.0, 1.0, 1.0]), 1.0),
            (np.array([1.0, 0.0, 1.0]), 1.0), (np.array([1.0, 1.0, 1.0]), 0.0)]
    net = Net([3, 4, 1], 0.5)
    for epoch in range(2000):
        for x, t in data:
            net.train(x, np.array([t]))
    print([round(net.predict(x)[0], 2) for x, _ in data])
