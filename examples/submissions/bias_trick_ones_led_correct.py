"""A two-layer classifier using the "bias trick": each weight matrix holds its layer's bias as row 0, and fit()
leads every sample with a 1 before the forward sees it (the hidden activations get their 1 inside the forward)."""

import numpy as np


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


class BiasTrickMLP:
    def __init__(self, n_in, n_hidden, n_out):
        rng = np.random.default_rng(1)
        self.W1 = rng.normal(0.0, 0.5, (n_in + 1, n_hidden))
        self.W2 = rng.normal(0.0, 0.5, (n_hidden + 1, n_out))

    def forward(self, Xb):
        self.Xb = Xb
        self.h = sigmoid(Xb @ self.W1)
        self.hb = np.hstack([np.ones((Xb.shape[0], 1)), self.h])
        self.out = sigmoid(self.hb @ self.W2)
        return self.out

    def loss(self, y):
        p = self.out
        return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))

    def backward(self, y):
        d2 = (self.out - y) / y.shape[0]
        dW2 = self.hb.T @ d2
        d1 = (d2 @ self.W2[1:].T) * self.h * (1 - self.h)
        dW1 = self.Xb.T @ d1
        return dW1, dW2

    def fit(self, X, y, lr=0.5, epochs=2000):
        Xb = np.hstack([np.ones((X.shape[0], 1)), X])
        for _ in range(epochs):
            self.forward(Xb)
            dW1, dW2 = self.backward(y)
            self.W1 -= lr * dW1
            self.W2 -= lr * dW2


if __name__ == "__main__":
    X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
    y = np.array([[0], [1], [1], [0]], dtype=float)
    net = BiasTrickMLP(2, 4, 1)
    net.fit(X, y)
    print(net.forward(np.hstack([np.ones((4, 1)), X])).round(2))
