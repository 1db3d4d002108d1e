"""Ten-by-ten images, flattened inside the forward: the input width is hard-coded there, and the layer
sizes appear only where the script builds its network."""

import numpy as np


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


class ImageNet:
    def __init__(self, layer_sizes):
        rng = np.random.default_rng(11)
        self.layer_sizes = layer_sizes
        self.weights = [rng.normal(0.0, 0.1, (n, m)) for m, n in zip(layer_sizes[:-1], layer_sizes[1:])]
        self.biases = [np.zeros((n, 1)) for n in layer_sizes[1:]]

    def feedforward(self, images):
        a = images.reshape(-1, 100).T  # one column per image
        activations = [a]
        for w, b in zip(self.weights, self.biases):
            a = sigmoid(w @ a + b)
            activations.append(a)
        return activations

    def cost(self, images, targets):
        out = self.feedforward(images)[-1]
        return 0.5 * np.sum((out - targets.T) ** 2) / out.shape[1]

    def gradients(self, images, targets):
        activations = self.feedforward(images)
        m = activations[0].shape[1]
        out = activations[-1]
        delta = (out - targets.T) * out * (1.0 - out)
        grads_w, grads_b = [], []
        for layer in range(len(self.weights) - 1, -1, -1):
            grads_w.insert(0, delta @ activations[layer].T)
            grads_b.insert(0, delta.sum(axis=1, keepdims=True))
            if layer > 0:
                a = activations[layer]
                delta = (self.weights[layer].T @ delta) * a * (1.0 - a)
        return grads_w, grads_b


if __name__ == "__main__":
    rng = np.random.default_rng(1)
    images = rng.random((32, 10, 10))
    targets = np.eye(3)[rng.integers(0, 3, 32)]
    net = ImageNet([100, 24, 3])
    for step in range(20):
        gw, gb = net.gradients(images, targets)
        net.weights = [w - 0.5 * g for w, g in zip(net.weights, gw)]
        net.biases = [b - 0.5 * g for b, g in zip(net.biases, gb)]
    print(net.cost(images, targets))
