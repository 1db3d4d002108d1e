"""Bug: a Network whose add_layer(n_in, n_out) makes its Layer objects, sigmoid layers, samples as 1-D vectors;
backward_pass steps one sample with half the summed squared error, updating each layer in place after carrying
the delta back through its weights. The layers are added by top-level code the loader does not run. Each
layer is updated before its delta is carried back, so the lower layers see the updated weights."""
import numpy as np


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


class Layer:
    def __init__(self, n_in, n_out):
        self.weights = np.random.randn(n_out, n_in) * 0.5
        self.biases = np.zeros(n_out)

    def forward(self, x):
        self.input = x
        self.output = sigmoid(self.weights @ x + self.biases)
        return self.output


class Network:
    def __init__(self):
        self.layers = []

    def add_layer(self, n_in, n_out):
        self.layers.append(Layer(n_in, n_out))

    def forward_pass(self, x):
        for layer in self.layers:
            x = layer.forward(x)
        return x

    def loss(self, x, y):
        return 0.5 * np.sum((self.forward_pass(x) - y) ** 2)

    def backward_pass(self, x, y, lr):
        out = self.forward_pass(x)
        delta = (out - y) * out * (1 - out)
        for layer in reversed(self.layers):
            layer.weights -= lr * np.outer(delta, layer.input)
            layer.biases -= lr * delta
            prev = layer.weights.T @ delta
            delta = prev * layer.input * (1 - layer.input)


net = Network()
net.add_layer(2, 4)
net.add_layer(4, 1)
data = [(np.array([0.0, 0.0]), np.array([0.0])), (np.array([1.0, 0.0]), np.array([1.0]))]
for epoch in range(100):
    for x, y in data:
        net.backward_pass(x, y, 0.5)
