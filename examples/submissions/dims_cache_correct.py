"""Deep-learning-course style: init_params(layer_dims) -> {"W1", "b1", ...}, samples as columns.

forward(X, p) returns (AL, cache) with the Z/A of every layer in the cache dict;
backward(p, cache, Y) returns {"dW1", "db1", ...}; cost(AL, Y) is the mean cross-entropy.
"""

import numpy as np


def init_params(layer_dims):
    np.random.seed(1)
    p = {}
    for l in range(1, len(layer_dims)):
        p["W" + str(l)] = np.random.randn(layer_dims[l], layer_dims[l - 1]) * 0.1
        p["b" + str(l)] = np.zeros((layer_dims[l], 1))
    return p


def forward(X, p):
    L = len(p) // 2
    cache = {"A0": X}
    A = X
    for l in range(1, L + 1):
        Z = p["W" + str(l)] @ A + p["b" + str(l)]
        A = np.tanh(Z) if l < L else 1 / (1 + np.exp(-Z))
        cache["Z" + str(l)] = Z
        cache["A" + str(l)] = A
    return A, cache


def cost(AL, Y):
    m = Y.shape[1]
    return float(-np.sum(Y * np.log(AL) + (1 - Y) * np.log(1 - AL)) / m)


def backward(p, cache, Y):
    L = len(p) // 2
    m = Y.shape[1]
    grads = {}
    dZ = cache["A" + str(L)] - Y
    for l in range(L, 0, -1):
        grads["dW" + str(l)] = dZ @ cache["A" + str(l - 1)].T / m
        grads["db" + str(l)] = np.sum(dZ, axis=1, keepdims=True) / m
        if l > 1:
            dZ = (p["W" + str(l)].T @ dZ) * (1 - cache["A" + str(l - 1)] ** 2)
    return grads


def update_parameters(p, grads, learning_rate):
    for k in p:
        p[k] = p[k] - learning_rate * grads["d" + k]
    return p


if __name__ == "__main__":
    X = np.random.randn(2, 200)
    Y = (X[0:1] * X[1:2] > 0).astype(float)
    p = init_params([2, 6, 4, 1])
    for i in range(1000):
        AL, cache = forward(X, p)
        p = update_parameters(p, backward(p, cache, Y), 0.5)
    print(cost(forward(X, p)[0], Y))
