"""A module-level ARCH list of layer dicts; init_layers(arch, seed=3) makes params, samples in columns.

forward(X, params, arch) -> (Y_hat, memory); backward(Y_hat, Y, memory, params, arch) -> grads
keyed dW1, db1, ...; ReLU hidden, sigmoid output, mean binary cross-entropy.
"""

import numpy as np

ARCH = [
    {"input_dim": 2, "output_dim": 6, "activation": "relu"},
    {"input_dim": 6, "output_dim": 4, "activation": "relu"},
    {"input_dim": 4, "output_dim": 1, "activation": "sigmoid"},
]


def init_layers(arch, seed=3):
    np.random.seed(seed)
    params = {}
    for idx, layer in enumerate(arch):
        n = idx + 1
        params["W" + str(n)] = np.random.randn(layer["output_dim"], layer["input_dim"]) * 0.3
        params["b" + str(n)] = np.random.randn(layer["output_dim"], 1) * 0.1
    return params


def _act(Z, kind):
    return np.maximum(0, Z) if kind == "relu" else 1 / (1 + np.exp(-Z))


def forward(X, params, arch):
    memory = {"A0": X}
    A = X
    for idx, layer in enumerate(arch):
        n = idx + 1
        Z = np.dot(params["W" + str(n)], A) + params["b" + str(n)]
        A = _act(Z, layer["activation"])
        memory["Z" + str(n)] = Z
        memory["A" + str(n)] = A
    return A, memory


def cross_entropy(Y_hat, Y):
    m = Y_hat.shape[1]
    return np.squeeze(-(Y @ np.log(Y_hat).T + (1 - Y) @ np.log(1 - Y_hat).T) / m)


def backward(Y_hat, Y, memory, params, arch):
    grads = {}
    m = Y.shape[1]
    dA = -(np.divide(Y, Y_hat) - np.divide(1 - Y, 1 - Y_hat))
    for idx in reversed(range(len(arch))):
        n = idx + 1
        Z = memory["Z" + str(n)]
        if arch[idx]["activation"] == "relu":
            dZ = np.array(dA, copy=True)
            dZ[Z <= 0] = 0
        else:
            s = 1 / (1 + np.exp(-Z))
            dZ = dA * s * (1 - s)
        grads["dW" + str(n)] = np.dot(dZ, memory["A" + str(idx)].T) / m
        grads["db" + str(n)] = np.sum(dZ, axis=1, keepdims=True) / m
        dA = np.dot(params["W" + str(n)].T, dZ)
    return grads


def train(X, Y, epochs, learning_rate):
    params = init_layers(ARCH, seed=3)
    for _ in range(epochs):
        Y_hat, memory = forward(X, params, ARCH)
        grads = backward(Y_hat, Y, memory, params, ARCH)
        for key in params:
            params[key] -= learning_rate * grads["d" + key]
    return params


if __name__ == "__main__":
    X = np.random.randn(2, 300)
    Y = (X[0:1] ** 2 + X[1:2] ** 2 < 1).astype(float)
    trained = train(X, Y, 3000, 0.05)
    print(cross_entropy(forward(X, trained, ARCH)[0], Y))
