"""Layers as a list of (W, b) pairs from init_layers(sizes); MSE, ReLU hidden, identity output."""

import numpy as np


def init_layers(sizes):
    rng = np.random.default_rng(0)
    layers = []
    for n_in, n_out in zip(sizes[:-1], sizes[1:]):
        W = rng.normal(0, np.sqrt(2.0 / n_in), size=(n_in, n_out))
        b = np.zeros(n_out)
        layers.append((W, b))
    return layers


def relu(z):
    return np.maximum(z, 0)


def forward(layers, X):
    acts = [X]
    a = X
    for i, (W, b) in enumerate(layers):
        z = a @ W + b
        a = z if i == len(layers) - 1 else relu(z)
        acts.append(a)
    return acts


def mse(pred, y):
    return np.mean((pred - y) ** 2)


def backward(layers, acts, y):
    n = y.shape[0]
    grads = [None] * len(layers)
    delta = 2 * (acts[-1] - y) / (n * y.shape[1])
    for i in reversed(range(len(layers))):
        W, b = layers[i]
        dW = acts[i].T @ delta
        db = delta.sum(axis=0)
        grads[i] = (dW, db)
        if i > 0:
            delta = (delta @ W.T) * (acts[i] > 0)
    return grads


def step(layers, grads, lr):
    return [(W - lr * dW, b - lr * db) for (W, b), (dW, db) in zip(layers, grads)]


if __name__ == "__main__":
    rng = np.random.default_rng(1)
    X = rng.normal(size=(64, 3))
    y = (X[:, :1] * 2 - X[:, 1:2]) ** 2
    layers = init_layers([3, 8, 1])
    for epoch in range(200):
        acts = forward(layers, X)
        layers = step(layers, backward(layers, acts, y), 0.05)
    print(mse(forward(layers, X)[-1], y))
