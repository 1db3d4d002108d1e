"""Two-layer network, written the long way: cost -> dA2 -> sigmoid_backward -> linear_backward."""
import numpy as np


def init_params(n_x, n_h, n_y):
    return {
        "W1": np.random.randn(n_h, n_x) * 0.5,
        "b1": np.zeros((n_h, 1)),
        "W2": np.random.randn(n_y, n_h) * 0.5,
        "b2": np.zeros((n_y, 1)),
    }


def sigmoid(Z):
    return 1 / (1 + np.exp(-Z))


def sigmoid_backward(dA, Z):
    s = sigmoid(Z)
    return dA * s * (1 - s)


def forward(X, params):
    Z1 = params["W1"] @ X + params["b1"]
    A1 = np.tanh(Z1)
    Z2 = params["W2"] @ A1 + params["b2"]
    A2 = sigmoid(Z2)
    return A2, (Z1, A1, Z2, A2)


def cost(A2, Y):
    m = Y.shape[1]
    return float(-np.sum(Y * np.log(A2) + (1 - Y) * np.log(1 - A2)) / m)


def backward(X, Y, params, cache):
    Z1, A1, Z2, A2 = cache
    m = X.shape[1]
    dA2 = -(Y / A2 - (1 - Y) / (1 - A2))
    dZ2 = sigmoid_backward(dA2, A2)
    dW2 = dZ2 @ A1.T / m
    db2 = np.sum(dZ2, axis=1, keepdims=True) / m
    dA1 = params["W2"].T @ dZ2
    dZ1 = dA1 * (1 - A1**2)
    dW1 = dZ1 @ X.T / m
    db1 = np.sum(dZ1, axis=1, keepdims=True) / m
    return {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2}
