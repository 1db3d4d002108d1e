"""Correct: 2-4-1 sigmoid MLP, BCE, class with in-place updates (W -= lr*dW)."""
import numpy as np


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


class NeuralNetwork:
    def __init__(self, input_size=2, hidden_size=4, output_size=1):
        # small random weights, zero biases
        self.W1 = np.random.randn(input_size, hidden_size) * 0.5
        self.b1 = np.zeros((1, hidden_size))
        self.W2 = np.random.randn(hidden_size, output_size) * 0.5
        self.b2 = np.zeros((1, output_size))

    def forward(self, X):
        # hidden layer
        self.z1 = X @ self.W1 + self.b1
        self.a1 = sigmoid(self.z1)
        # output layer (probability)
        self.z2 = self.a1 @ self.W2 + self.b2
        self.a2 = sigmoid(self.z2)
        return self.a2

    def compute_loss(self, y, y_hat):
        # binary cross entropy, averaged over every output
        eps = 1e-12
        return -np.mean(y * np.log(y_hat + eps) + (1 - y) * np.log(1 - y_hat + eps))

    def backward(self, X, y, learning_rate):
        n = y.shape[0]
        # for sigmoid + BCE the sigmoid derivative cancels: dL/dz2 = (a2 - y) / n
        dz2 = (self.a2 - y) / n
        dW2 = self.a1.T @ dz2
        db2 = np.sum(dz2, axis=0, keepdims=True)

        # push the error back through W2 (before W2 gets changed!)
        da1 = dz2 @ self.W2.T
        dz1 = da1 * self.a1 * (1 - self.a1)
        dW1 = X.T @ dz1
        db1 = np.sum(dz1, axis=0, keepdims=True)

        # gradient descent step
        self.W2 -= learning_rate * dW2
        self.b2 -= learning_rate * db2
        self.W1 -= learning_rate * dW1
        self.b1 -= learning_rate * db1

    def train(self, X, y, epochs=10000, learning_rate=0.5):
        for epoch in range(epochs):
            y_hat = self.forward(X)
            loss = self.compute_loss(y, y_hat)
            self.backward(X, y, learning_rate)
            if epoch % 1000 == 0:
                print(f"epoch {epoch}: loss {loss:.4f}")


# XOR
X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
y = np.array([[0], [1], [1], [0]], dtype=float)

np.random.seed(1)
nn = NeuralNetwork(2, 4, 1)
nn.train(X, y, epochs=10000, learning_rate=0.5)
print("predictions:", nn.forward(X).ravel().round(3))
