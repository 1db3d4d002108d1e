"""Student: SGD with momentum inside backward (hidden optimizer state)."""
import numpy as np


class NeuralNet:
    def __init__(self, input_size, output_size, hidden_size=4, momentum=0.9):
        self.W1 = np.random.randn(input_size, hidden_size) * 0.5
        self.b1 = np.zeros(hidden_size)
        self.W2 = np.random.randn(hidden_size, output_size) * 0.5
        self.b2 = np.zeros(output_size)
        self.mu = momentum
        self.v = {k: np.zeros_like(getattr(self, k)) for k in ("W1", "b1", "W2", "b2")}

    def forward(self, X):
        self.h = np.tanh(X @ self.W1 + self.b1)
        self.y = self.h @ self.W2 + self.b2
        return self.y

    def backward(self, X, Y, lr):
        d = (self.y - Y) / len(X)
        grads = {"W2": self.h.T @ d, "b2": d.sum(0)}
        dh = d @ self.W2.T * (1 - self.h ** 2)
        grads["W1"] = X.T @ dh
        grads["b1"] = dh.sum(0)
        for k, g in grads.items():
            self.v[k] = self.mu * self.v[k] - lr * g
            setattr(self, k, getattr(self, k) + self.v[k])
