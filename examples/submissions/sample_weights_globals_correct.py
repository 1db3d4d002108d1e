"""One hidden layer regression with per-sample weights, parameters kept as module globals.

Loss: sum(sw * (out - y) ** 2) / sum(sw), the weighted mean of the squared errors.
"""
import numpy as np

rng = np.random.default_rng(42)
n_in, n_hidden, n_out = 3, 8, 1
W1 = rng.normal(0, 0.5, (n_in, n_hidden))
b1 = np.zeros((1, n_hidden))
W2 = rng.normal(0, 0.5, (n_hidden, n_out))
b2 = np.zeros((1, n_out))


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def forward(X):
    h = sigmoid(X @ W1 + b1)
    return h, h @ W2 + b2


def weighted_loss(X, y, sw):
    _, out = forward(X)
    return np.sum(sw * (out - y) ** 2) / np.sum(sw)


def compute_grads(X, y, sw):
    h, out = forward(X)
    dL_dout = 2 * sw * (out - y) / np.sum(sw)
    dL_dW2 = h.T @ dL_dout
    dL_db2 = np.sum(dL_dout, axis=0, keepdims=True)
    dL_dh = dL_dout @ W2.T
    dL_dz1 = dL_dh * h * (1 - h)
    dL_dW1 = X.T @ dL_dz1
    dL_db1 = np.sum(dL_dz1, axis=0, keepdims=True)
    return dL_dW1, dL_db1, dL_dW2, dL_db2


def train(X, y, sw, lr=0.5, epochs=500):
    global W1, b1, W2, b2
    for epoch in range(epochs):
        dL_dW1, dL_db1, dL_dW2, dL_db2 = compute_grads(X, y, sw)
        W1 = W1 - lr * dL_dW1
        b1 = b1 - lr * dL_db1
        W2 = W2 - lr * dL_dW2
        b2 = b2 - lr * dL_db2
        if epoch % 100 == 0:
            print(epoch, weighted_loss(X, y, sw))


if __name__ == "__main__":
    X = rng.uniform(-1, 1, (100, n_in))
    y = (X[:, :1] ** 2 - X[:, 1:2]) + 0.1 * rng.normal(size=(100, 1))
    sw = np.where(X[:, 2] > 0, 2.0, 1.0).reshape(-1, 1)
    train(X, y, sw)
