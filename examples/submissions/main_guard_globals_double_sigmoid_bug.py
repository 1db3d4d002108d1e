"""XOR with module-level weights, set up by the script's main block."""

import numpy as np


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def forward(X):
    hidden = sigmoid(X @ W1 + b1)
    out = sigmoid(hidden @ W2 + b2)
    return hidden, out


def backward(X, Y, hidden, out, lr):
    global W1, b1, W2, b2
    n = X.shape[0]
    d_out = (out - Y) * out * (1 - out) * 2 / n
    gW2 = hidden.T @ d_out
    gb2 = d_out.sum(axis=0)
    d_hid = (d_out @ W2.T) * sigmoid(hidden) * (1 - sigmoid(hidden))
    gW1 = X.T @ d_hid
    gb1 = d_hid.sum(axis=0)
    W1 = W1 - lr * gW1
    b1 = b1 - lr * gb1
    W2 = W2 - lr * gW2
    b2 = b2 - lr * gb2


def mse(out, Y):
    return np.mean((out - Y) ** 2)


if __name__ == "__main__":
    rng = np.random.default_rng(7)
    X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    Y = np.array([[0.0], [1.0], [1.0], [0.0]])
    n_hidden = 4
    W1 = rng.normal(0, 1, (2, n_hidden))
    b1 = np.zeros(n_hidden)
    W2 = rng.normal(0, 1, (n_hidden, 1))
    b2 = np.zeros(1)
    for epoch in range(5000):
        hidden, out = forward(X)
        backward(X, Y, hidden, out, 0.5)
        if epoch % 1000 == 0:
            print(epoch, mse(out, Y))
