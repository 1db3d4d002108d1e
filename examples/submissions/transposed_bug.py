"""Bug: 4-4-4-1 sigmoid net (square hidden-to-hidden W2), identity output, MSE, in-place updates; dW2 is computed as delta2.T @ a1, the transpose of the right gradient (expected: transposed)."""
import numpy as np


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


class NeuralNet:
    def __init__(self, input_size=4, hidden_size=4, output_size=1):
        self.W1 = np.random.randn(input_size, hidden_size) * 0.8
        self.b1 = np.zeros((1, hidden_size))
        self.W2 = np.random.randn(hidden_size, hidden_size) * 0.8
        self.b2 = np.zeros((1, hidden_size))
        self.W3 = np.random.randn(hidden_size, output_size) * 0.8
        self.b3 = np.zeros((1, output_size))

    def forward(self, X):
        self.a1 = sigmoid(X @ self.W1 + self.b1)
        self.a2 = sigmoid(self.a1 @ self.W2 + self.b2)
        self.y_pred = self.a2 @ self.W3 + self.b3     # regression output
        return self.y_pred

    def backward(self, X, y, lr=0.05):
        N = X.shape[0]
        delta3 = 2 * (self.y_pred - y) / N
        dW3 = self.a2.T @ delta3
        db3 = delta3.sum(axis=0, keepdims=True)

        delta2 = (delta3 @ self.W3.T) * self.a2 * (1 - self.a2)
        dW2 = delta2.T @ self.a1          # (4, 4) either way, numpy doesn't complain
        db2 = delta2.sum(axis=0, keepdims=True)

        delta1 = (delta2 @ self.W2.T) * self.a1 * (1 - self.a1)
        dW1 = X.T @ delta1
        db1 = delta1.sum(axis=0, keepdims=True)

        self.W3 -= lr * dW3
        self.b3 -= lr * db3
        self.W2 -= lr * dW2
        self.b2 -= lr * db2
        self.W1 -= lr * dW1
        self.b1 -= lr * db1


if __name__ == "__main__":
    np.random.seed(11)
    X = np.random.rand(120, 4)
    y = (X @ np.array([[1.0], [-2.0], [0.5], [3.0]])) ** 2 / 10
    net = NeuralNet()
    for epoch in range(10000):
        out = net.forward(X)
        net.backward(X, y, lr=0.1)
        if epoch % 1000 == 0:
            print(f"epoch {epoch}: mse = {np.mean((out - y) ** 2):.6f}")
