"""Correct: 2-8-1 ReLU MLP with identity output, MSE; module functions init_params / forward / backward returning a grads dict."""
import numpy as np


def init_params(n_input=2, n_hidden=8, n_output=1):
    """He initialisation for the ReLU layer."""
    params = {
        "W1": np.random.randn(n_input, n_hidden) * np.sqrt(2.0 / n_input),
        "b1": np.zeros(n_hidden),
        "W2": np.random.randn(n_hidden, n_output) * np.sqrt(2.0 / n_hidden),
        "b2": np.zeros(n_output),
    }
    return params


def relu(z):
    return np.maximum(0, z)


def forward(X, params):
    Z1 = X @ params["W1"] + params["b1"]
    H = relu(Z1)
    Y_hat = H @ params["W2"] + params["b2"]   # linear output for regression
    cache = {"Z1": Z1, "H": H, "Y_hat": Y_hat}
    return Y_hat, cache


def mse(Y_hat, Y):
    return np.mean((Y_hat - Y) ** 2)


def backward(params, cache, X, Y):
    """Gradients of the mean squared error w.r.t. every parameter."""
    Y_hat, H, Z1 = cache["Y_hat"], cache["H"], cache["Z1"]
    # d/dY_hat of mean((Y_hat - Y)^2) -- the mean runs over all Y.size entries
    dY = 2 * (Y_hat - Y) / Y.size
    grads = {}
    grads["W2"] = H.T @ dY
    grads["b2"] = dY.sum(axis=0)
    dH = dY @ params["W2"].T
    dZ1 = dH * (Z1 > 0)          # relu'(z) = 1 for z > 0 else 0
    grads["W1"] = X.T @ dZ1
    grads["b1"] = dZ1.sum(axis=0)
    return grads


def sgd_step(params, grads, lr):
    for k in params:
        params[k] -= lr * grads[k]


if __name__ == "__main__":
    np.random.seed(0)
    # learn y = sin(x1) + x2^2 on random points
    X = np.random.uniform(-1, 1, size=(200, 2))
    Y = (np.sin(3 * X[:, 0]) + X[:, 1] ** 2).reshape(-1, 1)
    params = init_params(2, 8, 1)
    for epoch in range(10000):
        Y_hat, cache = forward(X, params)
        grads = backward(params, cache, X, Y)
        sgd_step(params, grads, lr=0.05)
        if epoch % 500 == 0:
            print(epoch, mse(Y_hat, Y))
