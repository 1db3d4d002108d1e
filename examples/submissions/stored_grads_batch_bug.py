"""Bug: gradients stored on self.dW1/self.db1/... are summed over the batch instead of averaged, while the loss is the mean (expected: missing_batch_mean)."""
import numpy as np


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def sigmoid_prime(a):
    # derivative written in terms of the output a = sigmoid(x)
    return a * (1 - a)


class Network:
    def __init__(self, n_inputs=3, n_hidden=6, n_outputs=1):
        self.W1 = np.random.randn(n_inputs, n_hidden) / np.sqrt(n_inputs)
        self.b1 = np.zeros((1, n_hidden))
        self.W2 = np.random.randn(n_hidden, n_outputs) / np.sqrt(n_hidden)
        self.b2 = np.zeros((1, n_outputs))

    def forward(self, X):
        self.a0 = X
        self.a1 = sigmoid(X @ self.W1 + self.b1)
        self.a2 = sigmoid(self.a1 @ self.W2 + self.b2)
        return self.a2

    def loss(self, X, y):
        return np.mean((self.forward(X) - y) ** 2)

    def backward(self, y):
        # MSE derivative is 2 * (a2 - y); the batch is added up by the matrix products
        delta2 = 2 * (self.a2 - y) * sigmoid_prime(self.a2)
        self.dW2 = self.a1.T @ delta2
        self.db2 = np.sum(delta2, axis=0, keepdims=True)
        delta1 = (delta2 @ self.W2.T) * sigmoid_prime(self.a1)
        self.dW1 = self.a0.T @ delta1
        self.db1 = np.sum(delta1, axis=0, keepdims=True)

    def step(self, lr):
        self.W1 -= lr * self.dW1
        self.b1 -= lr * self.db1
        self.W2 -= lr * self.dW2
        self.b2 -= lr * self.db2


if __name__ == "__main__":
    np.random.seed(7)
    X = np.random.rand(50, 3)
    y = (X.sum(axis=1, keepdims=True) > 1.5).astype(float)
    net = Network()
    for epoch in range(10000):
        net.forward(X)
        net.backward(y)
        net.step(0.01)
        if epoch % 1000 == 0:
            print(f"epoch {epoch:5d}  mse {net.loss(X, y):.5f}")
