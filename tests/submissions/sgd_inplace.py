"""Student: 2-layer net, sigmoid hidden, linear output, L = 0.5/N * sum (yhat - y)^2, W -= lr*dW."""
import time
import numpy as np
import matplotlib.pyplot as plt


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


EPOCHS = 100000


class NeuralNetwork:
    def __init__(self, input_size, output_size, hidden_size=4):
        self.W1 = np.random.randn(input_size, hidden_size) * 0.5
        self.b1 = np.random.randn(1, hidden_size) * 0.1
        self.W2 = np.random.randn(hidden_size, output_size) * 0.5
        self.b2 = np.random.randn(1, output_size) * 0.1

    def forward(self, X):
        self.Z1 = X @ self.W1 + self.b1
        self.A1 = sigmoid(self.Z1)
        self.Z2 = self.A1 @ self.W2 + self.b2
        return self.Z2

    def backward(self, X, y, learning_rate):
        n = X.shape[0]
        dZ2 = (self.Z2 - y) / n
        dW2 = self.A1.T @ dZ2
        db2 = dZ2.sum(axis=0, keepdims=True)
        dZ1 = (dZ2 @ self.W2.T) * self.A1 * (1 - self.A1)
        dW1 = X.T @ dZ1
        db1 = dZ1.sum(axis=0, keepdims=True)
        self.W1 -= learning_rate * dW1
        self.b1 -= learning_rate * db1
        self.W2 -= learning_rate * dW2
        self.b2 -= learning_rate * db2


print("TOPLEVEL-RAN")
time.sleep(100)
net = NeuralNetwork(2, 1)
for epoch in range(EPOCHS):
    out = net.forward(np.zeros((4, 2)))
plt.plot([1, 2, 3])
plt.show()
