"""Digit classifier, samples as columns (features x samples), one hidden sigmoid layer.

Labels arrive as integers; encode_targets turns them into one-hot columns before training.
"""

import numpy as np


def encode_targets(labels, n_classes):
    table = np.zeros((len(labels), n_classes))
    table[np.arange(len(labels)), labels] = 1
    return table.T


def softmax_columns(Z):
    e = np.exp(Z - Z.max(axis=0, keepdims=True))
    return e / e.sum(axis=0, keepdims=True)


def mean_cross_entropy(probs, targets):
    m = targets.shape[1]
    return float(-np.sum(targets * np.log(probs + 1e-12)) / m)


class ColumnClassifier:
    def __init__(self, n_in, n_hidden, n_out, rate=0.5):
        rng = np.random.default_rng(3)
        self.rate = rate
        self.W1 = rng.normal(0.0, 0.5, (n_hidden, n_in))
        self.b1 = np.zeros((n_hidden, 1))
        self.W2 = rng.normal(0.0, 0.5, (n_out, n_hidden))
        self.b2 = np.zeros((n_out, 1))

    def forward(self, X):
        H = 1.0 / (1.0 + np.exp(-(self.W1 @ X + self.b1)))
        P = softmax_columns(self.W2 @ H + self.b2)
        return P, (X, H, P)

    def backward(self, memo, T):
        X, H, P = memo
        m = X.shape[1]
        dZ2 = (P - T) / m
        dH = self.W2.T @ dZ2
        dZ1 = dH * H * (1.0 - H)
        return {
            "dW1": dZ1 @ X.T,
            "db1": dZ1.sum(axis=1, keepdims=True),
            "dW2": dZ2 @ H.T,
            "db2": dZ2.sum(axis=1, keepdims=True),
        }

    def step(self, grads):
        for key in ("W1", "b1", "W2", "b2"):
            setattr(self, key, getattr(self, key) - self.rate * grads["d" + key])


if __name__ == "__main__":
    images = np.random.default_rng(0).random((64, 200))
    digits = np.random.default_rng(1).integers(0, 10, 200)
    targets = encode_targets(digits, 10)
    net = ColumnClassifier(64, 16, 10)
    for epoch in range(20):
        probs, memo = net.forward(images)
        print(epoch, mean_cross_entropy(probs, targets))
        net.step(net.backward(memo, targets))
