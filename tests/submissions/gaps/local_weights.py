"""Weights created local to one training function, never returned or stored."""
import numpy as np


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def train(X, y, hidden=5, epochs=1000, lr=0.5):
    rng = np.random.default_rng(0)
    W1 = rng.normal(0, 1, (X.shape[1], hidden))
    b1 = np.zeros(hidden)
    W2 = rng.normal(0, 1, (hidden, 1))
    b2 = np.zeros(1)
    n = X.shape[0]
    for epoch in range(epochs):
        h = sigmoid(X @ W1 + b1)
        out = sigmoid(h @ W2 + b2)
        d2 = (out - y) / n
        d1 = (d2 @ W2.T) * h * (1 - h)
        W2 -= lr * h.T @ d2
        b2 -= lr * d2.sum(0)
        W1 -= lr * X.T @ d1
        b1 -= lr * d1.sum(0)
        if epoch % 100 == 0:
            print(-np.mean(y * np.log(out) + (1 - y) * np.log(1 - out)))


if __name__ == "__main__":
    X = np.random.randn(40, 2)
    y = (X[:, :1] * X[:, 1:] > 0).astype(float)
    train(X, y)
