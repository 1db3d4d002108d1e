"""A network trained one mini-batch of (x, y) column pairs at a time: backprop(x, y) gives one sample's
gradients, update_mini_batch averages them; the cost is an object with fn and delta, and total_cost
averages it over a list of pairs (with its L2 term)."""

import numpy as np


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def sigmoid_prime(z):
    s = sigmoid(z)
    return s * (1.0 - s)


class BinaryCrossEntropy:
    @staticmethod
    def fn(a, y):
        return float(np.sum(-y * np.log(a) - (1.0 - y) * np.log(1.0 - a)))

    @staticmethod
    def delta(z, a, y):
        return a - y


class Network:
    def __init__(self, sizes, cost=BinaryCrossEntropy):
        rng = np.random.default_rng(7)
        self.sizes, self.cost = sizes, cost
        self.biases = [rng.standard_normal((n, 1)) for n in sizes[1:]]
        self.weights = [rng.standard_normal((n, m)) / np.sqrt(m) for m, n in zip(sizes[:-1], sizes[1:])]

    def feedforward(self, a):
        for b, w in zip(self.biases, self.weights):
            a = sigmoid(w @ a + b)
        return a

    def backprop(self, x, y):
        nabla_b = [np.zeros(b.shape) for b in self.biases]
        nabla_w = [np.zeros(w.shape) for w in self.weights]
        activation, activations, zs = x, [x], []
        for b, w in zip(self.biases, self.weights):
            z = w @ activation + b
            zs.append(z)
            activation = sigmoid(z)
            activations.append(activation)
        delta = self.cost.delta(zs[-1], activations[-1], y)
        nabla_b[-1], nabla_w[-1] = delta, delta @ activations[-2].T
        for layer in range(2, len(self.sizes)):
            delta = (self.weights[-layer + 1].T @ delta) * sigmoid_prime(activations[-layer])
            nabla_b[-layer], nabla_w[-layer] = delta, delta @ activations[-layer - 1].T
        return nabla_b, nabla_w

    def update_mini_batch(self, mini_batch, eta):
        nabla_b = [np.zeros(b.shape) for b in self.biases]
        nabla_w = [np.zeros(w.shape) for w in self.weights]
        for x, y in mini_batch:
            db, dw = self.backprop(x, y)
            nabla_b = [nb + d for nb, d in zip(nabla_b, db)]
            nabla_w = [nw + d for nw, d in zip(nabla_w, dw)]
        self.weights = [w - (eta / len(mini_batch)) * nw for w, nw in zip(self.weights, nabla_w)]
        self.biases = [b - (eta / len(mini_batch)) * nb for b, nb in zip(self.biases, nabla_b)]

    def total_cost(self, data, lmbda=0.0):
        cost = 0.0
        for x, y in data:
            cost += self.cost.fn(self.feedforward(x), y) / len(data)
        cost += 0.5 * (lmbda / len(data)) * sum(np.linalg.norm(w) ** 2 for w in self.weights)
        return cost


if __name__ == "__main__":
    rng = np.random.default_rng(0)
    pairs = [(rng.standard_normal((6, 1)), rng.integers(0, 2, (1, 1)).astype(float)) for _ in range(40)]
    net = Network([6, 5, 1])
    for epoch in range(3):
        for start in range(0, len(pairs), 10):
            net.update_mini_batch(pairs[start : start + 10], 0.5)
        print(epoch, net.total_cost(pairs))
