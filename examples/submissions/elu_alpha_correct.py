"""Correct: ELU hidden layer with its own self.alpha (not a learning rate), sigmoid output, BCE; train_step(X, y) updates in place with self.learning_rate."""
import numpy as np


class ELUClassifier:
    def __init__(self, n_in=3, n_hidden=5, alpha=0.5, learning_rate=0.1):
        rng = np.random.default_rng(4)
        self.alpha = alpha
        self.learning_rate = learning_rate
        self.W1 = rng.normal(0, 0.8, (n_in, n_hidden))
        self.b1 = np.zeros(n_hidden)
        self.W2 = rng.normal(0, 0.8, (n_hidden, 1))
        self.b2 = np.zeros(1)

    def elu(self, z):
        return np.where(z > 0, z, self.alpha * (np.exp(z) - 1))

    def elu_prime(self, z):
        return np.where(z > 0, 1.0, self.alpha * np.exp(z))

    def forward(self, X):
        self.z1 = X @ self.W1 + self.b1
        self.a1 = self.elu(self.z1)
        self.out = 1 / (1 + np.exp(-(self.a1 @ self.W2 + self.b2)))
        return self.out

    def train_step(self, X, y):
        out = self.forward(X)
        dz2 = (out - y) / len(X)
        dW2, db2 = self.a1.T @ dz2, dz2.sum(0)
        dz1 = (dz2 @ self.W2.T) * self.elu_prime(self.z1)
        dW1, db1 = X.T @ dz1, dz1.sum(0)
        self.W1 -= self.learning_rate * dW1
        self.b1 -= self.learning_rate * db1
        self.W2 -= self.learning_rate * dW2
        self.b2 -= self.learning_rate * db2
