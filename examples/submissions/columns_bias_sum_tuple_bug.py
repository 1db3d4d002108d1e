"""Two-layer digit classifier, samples as columns, functions over W1, b1, W2, b2: each bias gradient is np.sum(dZ) over every entry."""
import numpy as np


def make_weights(n_pixels=6, n_hidden=5, n_digits=3):
    rng = np.random.default_rng(7)
    W1 = rng.normal(0, 0.5, (n_hidden, n_pixels))
    b1 = rng.normal(0, 0.5, (n_hidden, 1))
    W2 = rng.normal(0, 0.5, (n_digits, n_hidden))
    b2 = rng.normal(0, 0.5, (n_digits, 1))
    return W1, b1, W2, b2


def relu(Z):
    return np.maximum(0, Z)


def col_softmax(Z):
    E = np.exp(Z - Z.max(axis=0, keepdims=True))
    return E / E.sum(axis=0, keepdims=True)


def forward(W1, b1, W2, b2, X):
    Z1 = W1 @ X + b1
    A1 = relu(Z1)
    Z2 = W2 @ A1 + b2
    A2 = col_softmax(Z2)
    return Z1, A1, Z2, A2


def encode(labels, k):
    T = np.zeros((k, labels.size))
    T[labels, np.arange(labels.size)] = 1
    return T


def backward(Z1, A1, Z2, A2, W1, W2, X, labels):
    m = X.shape[1]
    dZ2 = A2 - encode(labels, A2.shape[0])
    dW2 = dZ2 @ A1.T / m
    db2 = np.sum(dZ2) / m
    dZ1 = (W2.T @ dZ2) * (Z1 > 0)
    dW1 = dZ1 @ X.T / m
    db1 = np.sum(dZ1) / m
    return dW1, db1, dW2, db2


def train(X, labels, steps=100, lr=0.1):
    W1, b1, W2, b2 = make_weights(X.shape[0], 5, int(labels.max()) + 1)
    for _ in range(steps):
        Z1, A1, Z2, A2 = forward(W1, b1, W2, b2, X)
        dW1, db1, dW2, db2 = backward(Z1, A1, Z2, A2, W1, W2, X, labels)
        W1, b1 = W1 - lr * dW1, b1 - lr * db1
        W2, b2 = W2 - lr * dW2, b2 - lr * db2
    return W1, b1, W2, b2
