"""Three-layer classifier with weight decay, whose gradient adds lambd * W where lambd / m * W belongs."""

import numpy as np


def init_params(dims):
    rng = np.random.default_rng(11)
    params = {}
    for i in range(1, len(dims)):
        params[f"W{i}"] = rng.standard_normal((dims[i], dims[i - 1])) * 0.5
        params[f"b{i}"] = np.zeros((dims[i], 1))
    return params


def forward(X, params):
    Z1 = params["W1"] @ X + params["b1"]
    A1 = np.tanh(Z1)
    Z2 = params["W2"] @ A1 + params["b2"]
    A2 = np.tanh(Z2)
    Z3 = params["W3"] @ A2 + params["b3"]
    A3 = 1.0 / (1.0 + np.exp(-Z3))
    return A3, (X, A1, A2)


def cost(A3, Y, params, lambd):
    m = Y.shape[1]
    data = -np.sum(Y * np.log(A3) + (1 - Y) * np.log(1 - A3)) / m
    decay = sum(np.sum(params[f"W{i}"] ** 2) for i in (1, 2, 3))
    return data + lambd / (2 * m) * decay


def backward(A3, Y, caches, params, lambd):
    X, A1, A2 = caches
    m = Y.shape[1]
    dZ3 = A3 - Y
    grads = {"dW3": dZ3 @ A2.T / m + lambd * params["W3"], "db3": dZ3.sum(axis=1, keepdims=True) / m}
    dZ2 = (params["W3"].T @ dZ3) * (1 - A2**2)
    grads["dW2"] = dZ2 @ A1.T / m + lambd * params["W2"]
    grads["db2"] = dZ2.sum(axis=1, keepdims=True) / m
    dZ1 = (params["W2"].T @ dZ2) * (1 - A1**2)
    grads["dW1"] = dZ1 @ X.T / m + lambd * params["W1"]
    grads["db1"] = dZ1.sum(axis=1, keepdims=True) / m
    return grads


def train(X, Y, lambd=0.3, lr=0.2, steps=500):
    params = init_params([X.shape[0], 6, 5, 1])
    for _ in range(steps):
        A3, caches = forward(X, params)
        J = cost(A3, Y, params, lambd)
        grads = backward(A3, Y, caches, params, lambd)
        for k in params:
            params[k] -= lr * grads["d" + k]
    return params, J
