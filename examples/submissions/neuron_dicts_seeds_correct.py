"""Lab 4: backpropagation from scratch (no numpy), classifying wheat seeds.

Each layer is a list of neurons; a neuron is a dict holding its weights (bias last),
its output and its delta. Trained one row at a time with stochastic gradient descent
on the squared error 0.5 * sum((output - expected) ** 2).
"""

from math import exp
from random import random, seed


def make_network(n_inputs, n_hidden, n_outputs):
    hidden = [{"weights": [random() - 0.5 for _ in range(n_inputs + 1)]} for _ in range(n_hidden)]
    output = [{"weights": [random() - 0.5 for _ in range(n_hidden + 1)]} for _ in range(n_outputs)]
    return [hidden, output]


def neuron_sum(weights, inputs):
    total = weights[-1]
    for w, x in zip(weights[:-1], inputs):
        total += w * x
    return total


def squash(total):
    return 1.0 / (1.0 + exp(-total))


def feed(network, row):
    inputs = row
    for layer in network:
        outs = []
        for neuron in layer:
            neuron["output"] = squash(neuron_sum(neuron["weights"], inputs))
            outs.append(neuron["output"])
        inputs = outs
    return inputs


def back(network, expected):
    for i in range(len(network) - 1, -1, -1):
        layer = network[i]
        if i == len(network) - 1:
            errs = [neuron["output"] - expected[j] for j, neuron in enumerate(layer)]
        else:
            errs = [sum(up["weights"][j] * up["delta"] for up in network[i + 1]) for j in range(len(layer))]
        for neuron, e in zip(layer, errs):
            neuron["delta"] = e * neuron["output"] * (1.0 - neuron["output"])


def step(network, row, rate):
    inputs = row
    for layer in network:
        for neuron in layer:
            for j, x in enumerate(inputs):
                neuron["weights"][j] -= rate * neuron["delta"] * x
            neuron["weights"][-1] -= rate * neuron["delta"]
        inputs = [neuron["output"] for neuron in layer]


def train(network, rows, labels, rate, epochs, n_outputs):
    for _ in range(epochs):
        for row, label in zip(rows, labels):
            feed(network, row)
            expected = [0.0] * n_outputs
            expected[label] = 1.0
            back(network, expected)
            step(network, row, rate)


if __name__ == "__main__":
    seed(1)
    rows = [[random() for _ in range(7)] for _ in range(30)]
    labels = [int(r[0] * 3) % 3 for r in rows]
    net = make_network(7, 5, 3)
    train(net, rows, labels, 0.3, 50, 3)
    print([max(range(3), key=lambda k: feed(net, r)[k]) for r in rows[:5]])
