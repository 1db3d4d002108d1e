"""Pairs kept as [W, b] lists, named params; forward returns (output, cache of activations)."""

import numpy as np


def init_network(sizes):
    rng = np.random.default_rng(5)
    return [[rng.normal(0, 0.5, (a, b)), rng.normal(0, 0.1, b)] for a, b in zip(sizes, sizes[1:])]


def forward(params, x):
    cache = [x]
    for k, (W, b) in enumerate(params):
        z = cache[-1] @ W + b
        cache.append(np.tanh(z) if k < len(params) - 1 else z)
    return cache[-1], cache


def loss(y_hat, y):
    return 0.5 * np.mean(np.sum((y_hat - y) ** 2, axis=1))


def backward(params, cache, y):
    g = (cache[-1] - y) / y.shape[0]
    out = []
    for k in range(len(params) - 1, -1, -1):
        W = params[k][0]
        out.append((cache[k].T @ g, g.sum(axis=0)))
        g = (g @ W.T) * (1 - cache[k] ** 2)
    return out[::-1]


if __name__ == "__main__":
    x = np.random.default_rng(0).normal(size=(50, 2))
    y = np.sin(x)
    params = init_network([2, 7, 2])
    for _ in range(100):
        grads = backward(params, forward(params, x)[1], y)
        params = [[W - 0.1 * dW, b - 0.1 * db] for (W, b), (dW, db) in zip(params, grads)]
