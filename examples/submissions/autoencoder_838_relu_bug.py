"""Bug: 8-3-8 autoencoder, ReLU hidden + sigmoid output, MSE; ReLU derivative written as (a > 1) instead of (z > 0) (expected: wrong_activation_derivative)."""
import numpy as np


def relu(x):
    return np.maximum(0, x)


def relu_derivative(x):
    # slope of relu: 1 where the unit is "on"
    return (x > 1).astype(float)


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


class Autoencoder:
    def __init__(self, n_input=8, n_hidden=3):
        self.W1 = np.random.randn(n_input, n_hidden) * 1.0
        self.b1 = np.full((1, n_hidden), 0.5)
        self.W2 = np.random.randn(n_hidden, n_input) * 1.0
        self.b2 = np.zeros((1, n_input))

    def forward(self, X):
        self.z1 = X @ self.W1 + self.b1
        self.a1 = relu(self.z1)
        self.z2 = self.a1 @ self.W2 + self.b2
        self.a2 = sigmoid(self.z2)
        return self.a2

    def backward(self, X, Y, lr):
        n = Y.size                       # mean over samples and outputs
        delta2 = 2 * (self.a2 - Y) / n * self.a2 * (1 - self.a2)
        delta1 = (delta2 @ self.W2.T) * relu_derivative(self.a1)

        self.W2 -= lr * (self.a1.T @ delta2)
        self.b2 -= lr * delta2.sum(axis=0, keepdims=True)
        self.W1 -= lr * (X.T @ delta1)
        self.b1 -= lr * delta1.sum(axis=0, keepdims=True)


if __name__ == "__main__":
    X = np.eye(8)
    ae = Autoencoder()
    for it in range(10000):
        out = ae.forward(X)
        mse = np.mean((out - X) ** 2)
        if mse < 0.05:
            break
        ae.backward(X, X, lr=0.8)
        if it % 500 == 0:
            print(it, mse)
    print(np.round(ae.forward(X), 2))
