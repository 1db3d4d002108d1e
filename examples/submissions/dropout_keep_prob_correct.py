"""Binary classifier with inverted dropout on the hidden layer (keep_prob is an argument)."""

import numpy as np


def init_params(n_x, n_h, seed=1):
    rng = np.random.default_rng(seed)
    return {
        "W1": rng.normal(0.0, 0.5, (n_x, n_h)),
        "b1": np.zeros((1, n_h)),
        "W2": rng.normal(0.0, 0.5, (n_h, 1)),
        "b2": np.zeros((1, 1)),
    }


def forward(X, params, keep_prob=0.8):
    Z1 = X @ params["W1"] + params["b1"]
    A1 = np.maximum(Z1, 0)
    mask = (np.random.rand(*A1.shape) < keep_prob) / keep_prob
    A1 = A1 * mask
    Z2 = A1 @ params["W2"] + params["b2"]
    A2 = 1 / (1 + np.exp(-Z2))
    return A2, {"Z1": Z1, "A1": A1, "mask": mask}


def bce_cost(A2, Y):
    return float(-np.mean(Y * np.log(A2) + (1 - Y) * np.log(1 - A2)))


def backward(X, Y, params, A2, cache, keep_prob=0.8):
    m = X.shape[0]
    dZ2 = (A2 - Y) / m
    grads = {"W2": cache["A1"].T @ dZ2, "b2": dZ2.sum(axis=0, keepdims=True)}
    dA1 = (dZ2 @ params["W2"].T) * cache["mask"]
    dZ1 = dA1 * (cache["Z1"] > 0)
    grads["W1"] = X.T @ dZ1
    grads["b1"] = dZ1.sum(axis=0, keepdims=True)
    return grads


if __name__ == "__main__":
    X = np.random.randn(200, 4)
    Y = (X[:, :1] * X[:, 1:2] > 0).astype(float)
    params = init_params(4, 16)
    for epoch in range(300):
        A2, cache = forward(X, params)
        grads = backward(X, Y, params, A2, cache)
        for k in params:
            params[k] -= 0.5 * grads[k]
    print("cost", bce_cost(forward(X, params, keep_prob=1.0)[0], Y))
