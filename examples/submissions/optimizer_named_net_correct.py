"""A network whose class name starts with an optimizer's (SGDTrainedNet): still the network, not an optimizer."""

import numpy as np


class SGDTrainedNet:
    def __init__(self, n_in=3, n_hidden=5, n_out=1, learning_rate=0.2):
        self.learning_rate = learning_rate
        self.W1 = np.random.randn(n_in, n_hidden) * 0.5
        self.b1 = np.zeros(n_hidden)
        self.W2 = np.random.randn(n_hidden, n_out) * 0.5
        self.b2 = np.zeros(n_out)

    def forward(self, X):
        self.X = X
        self.H = np.tanh(X @ self.W1 + self.b1)
        self.P = 1.0 / (1.0 + np.exp(-(self.H @ self.W2 + self.b2)))
        return self.P

    def backward(self, Y):
        G = (self.P - Y) / len(Y)  # mean BCE on a sigmoid output
        GH = (G @ self.W2.T) * (1 - self.H**2)
        self.W2 -= self.learning_rate * (self.H.T @ G)
        self.b2 -= self.learning_rate * G.sum(axis=0)
        self.W1 -= self.learning_rate * (self.X.T @ GH)
        self.b1 -= self.learning_rate * GH.sum(axis=0)

    def bce(self, Y):
        return -np.mean(Y * np.log(self.P) + (1 - Y) * np.log(1 - self.P))


if __name__ == "__main__":
    X = np.random.randn(64, 3)
    Y = (X.sum(axis=1, keepdims=True) > 0).astype(float)
    net = SGDTrainedNet()
    for _ in range(500):
        net.forward(X)
        net.backward(Y)
