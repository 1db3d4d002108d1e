"""Layers added to a Network in make_network(); tanh hidden, softmax output, cross-entropy.

Bug: the loss's gradient is probs - targets, without the 1/N of the mean the loss takes.
"""

import numpy as np

rng = np.random.default_rng(3)


class Linear:
    def __init__(self, fan_in, fan_out):
        self.weights = rng.normal(0, 1 / np.sqrt(fan_in), (fan_in, fan_out))
        self.bias = np.zeros(fan_out)

    def forward(self, inputs):
        self.inputs = inputs
        return inputs @ self.weights + self.bias

    def backward(self, d_out):
        self.grad_weights = self.inputs.T @ d_out
        self.grad_bias = d_out.sum(axis=0)
        return d_out @ self.weights.T


class Tanh:
    def forward(self, inputs):
        self.out = np.tanh(inputs)
        return self.out

    def backward(self, d_out):
        return d_out * (1 - self.out**2)


class SoftmaxLayer:
    def forward(self, inputs):
        shifted = np.exp(inputs - np.max(inputs, axis=1, keepdims=True))
        return shifted / np.sum(shifted, axis=1, keepdims=True)

    def backward(self, d_out):
        return d_out


class CategoricalCrossEntropy:
    def loss(self, probs, targets):
        return float(np.mean(-np.sum(targets * np.log(np.clip(probs, 1e-12, 1.0)), axis=1)))

    def backward(self, probs, targets):
        return probs - targets


class Network:
    def __init__(self):
        self.layers = []
        self.criterion = CategoricalCrossEntropy()

    def add(self, layer):
        self.layers.append(layer)
        return self

    def forward(self, inputs):
        for layer in self.layers:
            inputs = layer.forward(inputs)
        return inputs

    def backward(self, probs, targets):
        d = self.criterion.backward(probs, targets)
        for layer in self.layers[::-1]:
            d = layer.backward(d)

    def step(self, lr):
        for layer in self.layers:
            if hasattr(layer, "weights"):
                layer.weights -= lr * layer.grad_weights
                layer.bias -= lr * layer.grad_bias


def make_network():
    net = Network()
    net.add(Linear(3, 8))
    net.add(Tanh())
    net.add(Linear(8, 8))
    net.add(Tanh())
    net.add(Linear(8, 4))
    net.add(SoftmaxLayer())
    return net


if __name__ == "__main__":
    X = rng.normal(size=(200, 3))
    T = np.eye(4)[(X[:, 0] > 0) * 2 + (X[:, 2] > 0)]
    net = make_network()
    for _ in range(100):
        P = net.forward(X)
        net.backward(P, T)
        net.step(0.001)
    print(net.criterion.loss(net.forward(X), T))
