"""Student (seed 003 shape): three weight matrices, no biases, updates in place; error = y - y_hat
and W -= lr * dW, i.e. a sign bug (gradient ascent)."""
import numpy as np


def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def derivative_sigmoid(x):
    return np.multiply(x, 1.0 - x)


class NeuralNetwork:
    def __init__(self, input_size, hidden_size1, hidden_size2, output_size):
        self.W1 = np.random.randn(input_size, hidden_size1)
        self.W2 = np.random.randn(hidden_size1, hidden_size2)
        self.W3 = np.random.randn(hidden_size2, output_size)

    def forward(self, X):
        self.Z1 = sigmoid(np.dot(X, self.W1))
        self.Z2 = sigmoid(np.dot(self.Z1, self.W2))
        self.y_hat = sigmoid(np.dot(self.Z2, self.W3))
        return self.y_hat

    def backward(self, X, y, learning_rate):
        self.error = y - self.y_hat
        self.delta3 = self.error * derivative_sigmoid(self.y_hat)
        self.dW3 = np.dot(self.Z2.T, self.delta3)
        self.delta2 = np.dot(self.delta3, self.W3.T) * derivative_sigmoid(self.Z2)
        self.dW2 = np.dot(self.Z1.T, self.delta2)
        self.delta1 = np.dot(self.delta2, self.W2.T) * derivative_sigmoid(self.Z1)
        self.dW1 = np.dot(X.T, self.delta1)
        self.W3 -= learning_rate * self.dW3
        self.W2 -= learning_rate * self.dW2
        self.W1 -= learning_rate * self.dW1
