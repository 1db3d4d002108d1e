"""XOR with tanh units, any depth: each weight matrix holds its layer's bias as row 0, and a sample travels as a
list of layer activations, each led by a 1, built up one layer at a time."""

import numpy as np


def tanh(x):
    return np.tanh(x)


def tanh_prime(x):
    return 1.0 - np.tanh(x) ** 2


class XorNet:
    def __init__(self, layers):
        rng = np.random.default_rng(0)
        self.sizes = layers
        self.weights = [rng.uniform(-1.0, 1.0, (layers[i] + 1, layers[i + 1])) for i in range(len(layers) - 1)]

    def feed(self, acts):
        for k, W in enumerate(self.weights):
            a = tanh(acts[-1] @ W)
            if k < len(self.weights) - 1:
                a = np.concatenate(([1.0], a))
            acts.append(a)
        return acts

    def learn(self, acts, target, rate):
        err = target - acts[-1]
        deltas = [err * tanh_prime(acts[-1])]
        for k in range(len(self.weights) - 1, 0, -1):
            back = deltas[-1] @ self.weights[k][1:].T
            deltas.append(back * tanh_prime(acts[k][1:]))
        deltas.reverse()
        for k, W in enumerate(self.weights):
            W += rate * acts[k].reshape(-1, 1) @ deltas[k].reshape(1, -1)

    def train(self, X, Y, rate=0.1, epochs=5000):
        Xb = np.hstack([np.ones((len(X), 1)), X])
        rng = np.random.default_rng(1)
        for _ in range(epochs):
            i = rng.integers(len(X))
            acts = self.feed([Xb[i]])
            self.learn(acts, Y[i], rate)


net = XorNet([2, 3, 1])
X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
Y = np.array([0, 1, 1, 0], dtype=float)
net.train(X, Y, epochs=100)
for x in X:
    print(x, net.feed([np.concatenate(([1.0], x))])[-1])
