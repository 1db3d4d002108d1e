"""A Nielsen-style network whose layers each take an activation named by a string.

Network([4, 6, 5, 2], ["tanh", "relu", "sigmoid"]): one name per weight layer. Samples are
column vectors; backprop(x, y) returns (nabla_b, nabla_w) for the cost 0.5 * sum((a - y)**2).
"""
import random

import numpy as np


def act(name, z):
    if name == "sigmoid":
        return 1.0 / (1.0 + np.exp(-z))
    if name == "tanh":
        return np.tanh(z)
    if name == "relu":
        return np.maximum(z, 0.0)
    if name == "identity":
        return z
    raise ValueError("unknown activation " + name)


def act_prime(name, z):
    if name == "sigmoid":
        s = act("sigmoid", z)
        return s * (1 - s)
    if name == "tanh":
        return 1 - z ** 2
    if name == "relu":
        return (z > 0).astype(float)
    if name == "identity":
        return np.ones_like(z)
    raise ValueError("unknown activation " + name)


class Network:
    def __init__(self, sizes, acts):
        self.num_layers = len(sizes)
        self.sizes = sizes
        self.acts = acts
        self.biases = [np.random.randn(n, 1) for n in sizes[1:]]
        self.weights = [np.random.randn(o, i) / np.sqrt(i) for i, o in zip(sizes[:-1], sizes[1:])]

    def feedforward(self, a):
        for b, w, name in zip(self.biases, self.weights, self.acts):
            a = act(name, np.dot(w, a) + b)
        return a

    def cost(self, x, y):
        return 0.5 * np.sum((self.feedforward(x) - y) ** 2)

    def backprop(self, x, y):
        nabla_b = [np.zeros(b.shape) for b in self.biases]
        nabla_w = [np.zeros(w.shape) for w in self.weights]
        activation = x
        activations = [x]
        zs = []
        for b, w, name in zip(self.biases, self.weights, self.acts):
            z = np.dot(w, activation) + b
            zs.append(z)
            activation = act(name, z)
            activations.append(activation)
        delta = (activations[-1] - y) * act_prime(self.acts[-1], zs[-1])
        nabla_b[-1] = delta
        nabla_w[-1] = np.dot(delta, activations[-2].transpose())
        for l in range(2, self.num_layers):
            delta = np.dot(self.weights[-l + 1].transpose(), delta) * act_prime(self.acts[-l], zs[-l])
            nabla_b[-l] = delta
            nabla_w[-l] = np.dot(delta, activations[-l - 1].transpose())
        return (nabla_b, nabla_w)

    def update_mini_batch(self, mini_batch, eta):
        nabla_b = [np.zeros(b.shape) for b in self.biases]
        nabla_w = [np.zeros(w.shape) for w in self.weights]
        for x, y in mini_batch:
            delta_nabla_b, delta_nabla_w = self.backprop(x, y)
            nabla_b = [nb + dnb for nb, dnb in zip(nabla_b, delta_nabla_b)]
            nabla_w = [nw + dnw for nw, dnw in zip(nabla_w, delta_nabla_w)]
        self.weights = [w - (eta / len(mini_batch)) * nw for w, nw in zip(self.weights, nabla_w)]
        self.biases = [b - (eta / len(mini_batch)) * nb for b, nb in zip(self.biases, nabla_b)]

    def SGD(self, training_data, epochs, mini_batch_size, eta):
        n = len(training_data)
        for j in range(epochs):
            random.shuffle(training_data)
            for k in range(0, n, mini_batch_size):
                self.update_mini_batch(training_data[k : k + mini_batch_size], eta)


if __name__ == "__main__":
    np.random.seed(0)
    data = []
    for _ in range(200):
        x = np.random.randn(4, 1)
        y = np.array([[float(x[0, 0] > 0)], [float(x[1, 0] * x[2, 0] > 0)]])
        data.append((x, y))
    net = Network([4, 6, 5, 2], ["tanh", "relu", "sigmoid"])
    net.SGD(data, 20, 10, 0.5)
    print("cost", sum(net.cost(x, y) for x, y in data) / len(data))
