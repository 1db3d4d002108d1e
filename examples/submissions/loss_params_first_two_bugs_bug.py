"""Two bugs: loss(params, X, Y) is BCE on a sigmoid output, but backward multiplies the shortcut (A2 - Y) by sigmoid' again and never divides by N (together: exactly the gradient of 0.5 * sum MSE)."""

import numpy as np

def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))

def init_params(n_x, n_h, n_y):
    rng = np.random.default_rng(3)
    return {"W1": rng.normal(0, 0.5, (n_x, n_h)), "b1": np.zeros(n_h),
            "W2": rng.normal(0, 0.5, (n_h, n_y)), "b2": np.zeros(n_y)}

def forward(params, X):
    Z1 = X @ params["W1"] + params["b1"]
    A1 = np.tanh(Z1)
    Z2 = A1 @ params["W2"] + params["b2"]
    A2 = sigmoid(Z2)
    return A2, (Z1, A1, Z2, A2)

def loss(params, X, Y):
    A2, _ = forward(params, X)
    eps = 1e-8
    return -np.mean(Y * np.log(A2 + eps) + (1 - Y) * np.log(1 - A2 + eps))

def backward(params, X, Y):
    A2, (Z1, A1, Z2, _) = forward(params, X)
    dZ2 = (A2 - Y) * A2 * (1 - A2)       # BCE+sigmoid shortcut, then sigma' again
    dW2 = A1.T @ dZ2                     # no 1/N
    db2 = dZ2.sum(axis=0)
    dA1 = dZ2 @ params["W2"].T
    dZ1 = dA1 * (1 - A1 ** 2)
    dW1 = X.T @ dZ1
    db1 = dZ1.sum(axis=0)
    return {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}

if __name__ == "__main__":
    X = np.random.randn(100, 2)
    Y = (X[:, :1] * X[:, 1:] > 0).astype(float)
    params = init_params(2, 8, 1)
    for i in range(1000):
        g = backward(params, X, Y)
        for k in params:
            params[k] -= 0.5 * g[k]
    print(loss(params, X, Y))
