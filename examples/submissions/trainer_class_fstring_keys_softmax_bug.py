"""Functions for an L-layer ReLU network with a softmax output, and a class that trains it.

The weights live in a dict keyed f"W{layer}" / f"b{layer}"; samples are columns; labels one-hot.
"""

import numpy as np


def softmax_columns(Z):
    E = np.exp(Z - Z.max(axis=0, keepdims=True))
    return E / E.sum(axis=0, keepdims=True)


def model_forward(X, parameters):
    depth = len(parameters) // 2
    A, trail = X, []
    for layer in range(1, depth + 1):
        Z = parameters[f"W{layer}"] @ A + parameters[f"b{layer}"]
        trail.append((A, parameters[f"W{layer}"], Z))
        A = softmax_columns(Z) if layer == depth else np.maximum(Z, 0)
    return A, trail


def cross_entropy(P, Y):
    return float(-np.sum(Y * np.log(P)) / Y.shape[1])


def model_backward(P, Y, trail):
    m = Y.shape[1]
    grads = {}
    dZ = (P - Y) * P * (1 - P)  # the softmax's derivative, once more
    for layer in range(len(trail), 0, -1):
        A_prev, W, Z = trail[layer - 1]
        grads[f"dW{layer}"] = dZ @ A_prev.T / m
        grads[f"db{layer}"] = dZ.sum(axis=1, keepdims=True) / m
        if layer > 1:
            dZ = (W.T @ dZ) * (trail[layer - 2][2] > 0)
    return grads


class DigitTrainer:
    def __init__(self, images, labels, dims, rate, n_epochs, batch_size):
        self.images, self.labels, self.dims = images, labels, dims
        self.rate, self.n_epochs, self.batch_size = rate, n_epochs, batch_size
        self.weights = {}

    def setup(self):
        for k in range(1, len(self.dims)):
            self.weights[f"W{k}"] = np.random.randn(self.dims[k], self.dims[k - 1]) * 0.1
            self.weights[f"b{k}"] = np.zeros((self.dims[k], 1))

    def train(self):
        self.setup()
        for _ in range(self.n_epochs):
            for s in range(0, self.images.shape[1], self.batch_size):
                X, Y = self.images[:, s : s + self.batch_size], self.labels[:, s : s + self.batch_size]
                P, trail = model_forward(X, self.weights)
                grads = model_backward(P, Y, trail)
                for key in self.weights:
                    self.weights[key] -= self.rate * grads["d" + key]
