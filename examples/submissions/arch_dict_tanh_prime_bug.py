"""Bug: architecture-list tutorial style, tanh hidden / sigmoid output, BCE, samples in columns; the tanh
derivative is written in its output form (1 - A**2) but given the pre-activation Z from the cache."""
import numpy as np

nn_architecture = [
    {"input_dim": 3, "output_dim": 5, "activation": "tanh"},
    {"input_dim": 5, "output_dim": 1, "activation": "sigmoid"},
]


def init_layers(nn_architecture, seed=7):
    rng = np.random.RandomState(seed)
    params_values = {}
    for i, layer in enumerate(nn_architecture, start=1):
        params_values[f"W{i}"] = rng.randn(layer["output_dim"], layer["input_dim"]) * 0.5
        params_values[f"b{i}"] = rng.randn(layer["output_dim"], 1) * 0.1
    return params_values


def activate(Z, name):
    return np.tanh(Z) if name == "tanh" else 1.0 / (1.0 + np.exp(-Z))


def activate_backward(dA, Z, name):
    if name == "tanh":
        return dA * (1.0 - Z**2)  # the output form of tanh', fed the pre-activation
    s = 1.0 / (1.0 + np.exp(-Z))
    return dA * s * (1.0 - s)


def full_forward_propagation(X, params_values, nn_architecture):
    cache = {}
    A = X
    for i, layer in enumerate(nn_architecture, start=1):
        cache["A" + str(i - 1)] = A
        Z = params_values["W" + str(i)] @ A + params_values["b" + str(i)]
        A = activate(Z, layer["activation"])
        cache["Z" + str(i)] = Z
    return A, cache


def get_cost_value(Y_hat, Y):
    m = Y_hat.shape[1]
    return float(-np.sum(Y * np.log(Y_hat) + (1 - Y) * np.log(1 - Y_hat)) / m)


def full_backward_propagation(Y_hat, Y, cache, params_values, nn_architecture):
    grads_values = {}
    m = Y.shape[1]
    dA = -(Y / Y_hat - (1 - Y) / (1 - Y_hat))
    for i in range(len(nn_architecture), 0, -1):
        dZ = activate_backward(dA, cache["Z" + str(i)], nn_architecture[i - 1]["activation"])
        grads_values["dW" + str(i)] = dZ @ cache["A" + str(i - 1)].T / m
        grads_values["db" + str(i)] = dZ.sum(axis=1, keepdims=True) / m
        dA = params_values["W" + str(i)].T @ dZ
    return grads_values


def update(params_values, grads_values, nn_architecture, learning_rate):
    for i in range(1, len(nn_architecture) + 1):
        params_values["W" + str(i)] -= learning_rate * grads_values["dW" + str(i)]
        params_values["b" + str(i)] -= learning_rate * grads_values["db" + str(i)]
    return params_values


if __name__ == "__main__":
    X = np.random.randn(3, 200)
    Y = (X[0:1] * X[1:2] > 0).astype(float)
    params_values = init_layers(nn_architecture)
    for epoch in range(1000):
        Y_hat, cache = full_forward_propagation(X, params_values, nn_architecture)
        grads_values = full_backward_propagation(Y_hat, Y, cache, params_values, nn_architecture)
        params_values = update(params_values, grads_values, nn_architecture, 0.1)
    print(get_cost_value(Y_hat, Y))
