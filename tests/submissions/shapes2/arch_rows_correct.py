"""Correct: architecture list with "in"/"out" keys passed as layers_config, samples in rows, W in x out, 1-D biases, tanh then identity, MSE; no train function calls init_layers."""
import numpy as np

layers_config = [
    {"in": 4, "out": 8, "act": "tanh"},
    {"in": 8, "out": 2, "act": "identity"},
]


def init_layers(layers_config):
    parameters = {}
    for i, layer in enumerate(layers_config, 1):
        parameters["W" + str(i)] = np.random.randn(layer["in"], layer["out"]) * 0.3
        parameters["b" + str(i)] = np.zeros(layer["out"])
    return parameters


def forward(X, parameters, layers_config):
    cache = {"A0": X}
    A = X
    for i, layer in enumerate(layers_config, 1):
        Z = A @ parameters["W" + str(i)] + parameters["b" + str(i)]
        A = np.tanh(Z) if layer["act"] == "tanh" else Z
        cache["A" + str(i)] = A
    return A, cache


def mse(Y_hat, Y):
    return float(np.mean((Y_hat - Y) ** 2))


def backward(Y_hat, Y, cache, parameters, layers_config):
    grads = {}
    dA = 2 * (Y_hat - Y) / Y.size
    for i in range(len(layers_config), 0, -1):
        A = cache["A" + str(i)]
        dZ = dA * (1 - A**2) if layers_config[i - 1]["act"] == "tanh" else dA
        grads["dW" + str(i)] = cache["A" + str(i - 1)].T @ dZ
        grads["db" + str(i)] = dZ.sum(axis=0)
        dA = dZ @ parameters["W" + str(i)].T
    return grads
