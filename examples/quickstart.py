"""A hand-written backward pass with the classic bug, checked and diagnosed."""

import numpy as np

from gradcheck import check_gradients

rng = np.random.default_rng(0)
X, Y = rng.standard_normal((16, 3)), rng.random((16, 1))
params = {"W1": rng.standard_normal((3, 4)), "b1": np.zeros(4), "W2": rng.standard_normal((4, 1)), "b2": np.zeros(1)}


def loss(p):
    A1 = np.tanh(X @ p["W1"] + p["b1"])
    return np.mean((A1 @ p["W2"] + p["b2"] - Y) ** 2)


def grad(p):  # hand-written backprop
    A1 = np.tanh(X @ p["W1"] + p["b1"])
    dY = 2 * (A1 @ p["W2"] + p["b2"] - Y) / len(X)
    dZ1 = (dY @ p["W2"].T) * (1 - np.tanh(A1) ** 2)  # tanh' evaluated at the activation
    return {"W1": X.T @ dZ1, "b1": dZ1.sum(0), "W2": A1.T @ dY, "b2": dY.sum(0)}


report = check_gradients(loss, grad, params)
print(report.summary())
