"""A classifier whose constructor loads its own training data from a file beside the notebook.

ReLU hidden layer, softmax output, cross-entropy with integer labels, rows are samples.
The file is not handed in with the code.
"""

import numpy as np


class DigitNet:
    def __init__(self, hidden=16, classes=4, data_file="digits_small.npz", seed=0):
        archive = np.load(data_file)
        self.X, self.y = archive["X"], archive["y"]
        rng = np.random.default_rng(seed)
        n_in = self.X.shape[1]
        self.W1 = rng.normal(0.0, 1.0 / np.sqrt(n_in), (n_in, hidden))
        self.b1 = np.zeros(hidden)
        self.W2 = rng.normal(0.0, 1.0 / np.sqrt(hidden), (hidden, classes))
        self.b2 = np.zeros(classes)

    def forward(self, X):
        self.X_in = X
        self.Z1 = X @ self.W1 + self.b1
        self.H = np.maximum(self.Z1, 0.0)
        scores = self.H @ self.W2 + self.b2
        scores = scores - scores.max(axis=1, keepdims=True)
        self.P = np.exp(scores) / np.exp(scores).sum(axis=1, keepdims=True)
        return self.P

    def loss(self, X, y):
        P = self.forward(X)
        return -np.mean(np.log(P[np.arange(len(y)), y]))

    def backward(self, y):
        n = len(y)
        dS = self.P.copy()
        dS[np.arange(n), y] -= 1.0
        dS /= n
        grads = {"W2": self.H.T @ dS, "b2": dS.sum(axis=0)}
        dZ1 = (dS @ self.W2.T) * (self.Z1 > 0)
        grads["W1"] = self.X_in.T @ dZ1
        grads["b1"] = dZ1.sum(axis=0)
        return grads

    def train(self, epochs=200, rate=0.1):
        for _ in range(epochs):
            self.forward(self.X)
            grads = self.backward(self.y)
            for name, g in grads.items():
                setattr(self, name, getattr(self, name) - rate * g)


if __name__ == "__main__":
    net = DigitNet()
    net.train()
    print(net.loss(net.X, net.y))
