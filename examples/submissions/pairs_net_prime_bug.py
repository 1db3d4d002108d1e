"""A list of (weights, bias) tuples made by initialize(layer_sizes); sigmoid everywhere, MSE.

Bug: the hidden layer's sigmoid_prime is given the activation, not the pre-activation.
"""

import numpy as np

np.random.seed(7)


def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def sigmoid_prime(z):
    s = sigmoid(z)
    return s * (1 - s)


def initialize(layer_sizes):
    net = []
    for i in range(len(layer_sizes) - 1):
        w = np.random.randn(layer_sizes[i], layer_sizes[i + 1]) * 0.5
        bias = np.zeros((1, layer_sizes[i + 1]))
        net.append((w, bias))
    return net


def feedforward(net, inputs):
    activations = [inputs]
    for w, bias in net:
        activations.append(sigmoid(activations[-1] @ w + bias))
    return activations


def loss(y_pred, y_true):
    return np.mean((y_pred - y_true) ** 2)


def backprop(net, activations, targets):
    out = activations[-1]
    delta = 2.0 * (out - targets) / targets.size * out * (1 - out)
    grads = []
    for i in range(len(net) - 1, -1, -1):
        w, _ = net[i]
        grad_w = activations[i].T @ delta
        grad_b = np.sum(delta, axis=0, keepdims=True)
        grads.insert(0, (grad_w, grad_b))
        delta = (delta @ w.T) * sigmoid_prime(activations[i])
    return grads


def update(net, grads, lr=0.5):
    return [(w - lr * gw, b - lr * gb) for (w, b), (gw, gb) in zip(net, grads)]


if __name__ == "__main__":
    X = np.random.rand(40, 2)
    Y = (X.sum(axis=1, keepdims=True) > 1).astype(float)
    net = initialize([2, 5, 1])
    for _ in range(500):
        net = update(net, backprop(net, feedforward(net, X), Y))
    print(loss(feedforward(net, X)[-1], Y))
