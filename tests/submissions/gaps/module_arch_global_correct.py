"""The functions read the module-level NN_ARCHITECTURE themselves; parameters = init_layers(NN_ARCHITECTURE, seed=SEED) at module level."""
import numpy as np

NN_ARCHITECTURE = [
    {"in": 3, "out": 5, "act": "tanh"},
    {"in": 5, "out": 1, "act": "sigmoid"},
]
SEED = 7


def init_layers(nn_architecture, seed=99):
    rng = np.random.RandomState(seed)
    params = {}
    for i, layer in enumerate(nn_architecture, start=1):
        params["W" + str(i)] = rng.randn(layer["out"], layer["in"]) * 0.5
        params["b" + str(i)] = rng.randn(layer["out"], 1) * 0.1
    return params


def full_forward(X, params):
    cache = {"A0": X}
    A = X
    for i, layer in enumerate(NN_ARCHITECTURE, start=1):
        Z = params["W" + str(i)] @ A + params["b" + str(i)]
        A = np.tanh(Z) if layer["act"] == "tanh" else 1.0 / (1.0 + np.exp(-Z))
        cache["A" + str(i)] = A
    return A, cache


def cost(Y_hat, Y):
    m = Y.shape[1]
    return float(-np.sum(Y * np.log(Y_hat) + (1 - Y) * np.log(1 - Y_hat)) / m)


def full_backward(Y_hat, Y, cache, params):
    grads = {}
    m = Y.shape[1]
    dZ = Y_hat - Y
    for i in range(len(NN_ARCHITECTURE), 0, -1):
        A_prev = cache["A" + str(i - 1)]
        grads["dW" + str(i)] = dZ @ A_prev.T / m
        grads["db" + str(i)] = np.sum(dZ, axis=1, keepdims=True) / m
        if i > 1:
            dA = params["W" + str(i)].T @ dZ
            dZ = dA * (1 - cache["A" + str(i - 1)] ** 2)
    return grads


parameters = init_layers(NN_ARCHITECTURE, seed=SEED)
LEARNING_RATE = 0.1

if __name__ == "__main__":
    X = np.random.randn(3, 100)
    Y = (X[0:1] > 0).astype(float)
    for epoch in range(200):
        Y_hat, cache = full_forward(X, params)
        grads = full_backward(Y_hat, Y, cache, params)
        for key in parameters:
            parameters[key] -= LEARNING_RATE * grads["d" + key]
    print(cost(full_forward(X, params)[0], Y))
