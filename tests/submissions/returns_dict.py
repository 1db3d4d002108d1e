"""Student: sigmoid hidden + sigmoid output, BCE mean over samples; backward returns a dict."""
import numpy as np


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


class MLP:
    def __init__(self, input_size, output_size, hidden_size=3):
        self.W1 = np.random.randn(input_size, hidden_size)
        self.b1 = np.random.randn(1, hidden_size) * 0.1
        self.W2 = np.random.randn(hidden_size, output_size)
        self.b2 = np.random.randn(1, output_size) * 0.1

    def forward(self, X):
        self.A1 = sigmoid(X @ self.W1 + self.b1)
        self.A2 = sigmoid(self.A1 @ self.W2 + self.b2)
        return self.A2

    def backward(self, X, Y):
        m = X.shape[0]
        dZ2 = (self.A2 - Y) / m
        dZ1 = dZ2 @ self.W2.T * self.A1 * (1 - self.A1)
        return {"dW1": X.T @ dZ1, "db1": dZ1.sum(0, keepdims=True),
                "dW2": self.A1.T @ dZ2, "db2": dZ2.sum(0, keepdims=True)}
