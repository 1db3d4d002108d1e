"""A margin classifier whose loss is only written inside train(): the mean hinge of a sigmoid
hidden layer's linear score, labels 0/1 used as -1/+1; backward() returns the gradients."""

import numpy as np


class MarginMLP:
    def __init__(self, n_in, n_hidden):
        rng = np.random.default_rng(11)
        self.W1 = rng.normal(0, 0.7, (n_in, n_hidden))
        self.b1 = np.zeros(n_hidden)
        self.W2 = rng.normal(0, 0.7, (n_hidden, 1))
        self.b2 = np.zeros(1)

    def forward(self, X):
        self.X = X
        self.A1 = 1 / (1 + np.exp(-(X @ self.W1 + self.b1)))
        self.out = self.A1 @ self.W2 + self.b2
        return self.out

    def backward(self, y):
        t = 2 * y - 1
        d_out = -t * (t * self.out < 1) / len(y)
        dW2 = self.A1.T @ d_out
        db2 = d_out.sum(axis=0)
        dZ1 = (d_out @ self.W2.T) * self.A1 * (1 - self.A1)
        return self.X.T @ dZ1, dZ1.sum(axis=0), dW2, db2

    def train(self, X, y, lr=0.1, epochs=200):
        for epoch in range(epochs):
            out = self.forward(X)
            loss = np.mean(np.maximum(0, 1 - (2 * y - 1) * out))
            dW1, db1, dW2, db2 = self.backward(y)
            self.W1 -= lr * dW1
            self.b1 -= lr * db1
            self.W2 -= lr * dW2
            self.b2 -= lr * db2
            if epoch % 50 == 0:
                print(epoch, loss)
