"""Student bug: W += eta * dW with dW the true gradient (gradient ascent)."""
import numpy as np


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


class MLP:
    def __init__(self, input_dim, output_dim, hidden_dim=3):
        self.weight1 = np.random.randn(input_dim, hidden_dim)
        self.bias1 = np.random.randn(hidden_dim) * 0.1
        self.weight2 = np.random.randn(hidden_dim, output_dim)
        self.bias2 = np.random.randn(output_dim) * 0.1

    def forward(self, X):
        self.a1 = sigmoid(X @ self.weight1 + self.bias1)
        self.out = self.a1 @ self.weight2 + self.bias2
        return self.out

    def train_step(self, X, Y, eta):
        self.forward(X)
        g = (self.out - Y) / len(X)
        gw2 = self.a1.T @ g
        gb2 = g.sum(0)
        gz1 = g @ self.weight2.T * self.a1 * (1 - self.a1)
        gw1 = X.T @ gz1
        gb1 = gz1.sum(0)
        self.weight1 += eta * gw1
        self.bias1 += eta * gb1
        self.weight2 += eta * gw2
        self.bias2 += eta * gb2
