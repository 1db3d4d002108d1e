"""Correct: a module-level list of layer objects (network = [Dense(3, 4), Sigmoid(), Dense(4, 2), Sigmoid()]), one sample per call as a column vector, backward(output_gradient, learning_rate) updates in place; mse_prime is the loss derivative."""
import numpy as np


class Dense:
    def __init__(self, input_size, output_size):
        self.weights = np.random.randn(output_size, input_size)
        self.bias = np.random.randn(output_size, 1)

    def forward(self, input):
        self.input = input
        return self.weights @ input + self.bias

    def backward(self, output_gradient, learning_rate):
        weights_gradient = output_gradient @ self.input.T
        input_gradient = self.weights.T @ output_gradient
        self.weights -= learning_rate * weights_gradient
        self.bias -= learning_rate * output_gradient
        return input_gradient


class Sigmoid:
    def forward(self, input):
        self.output = 1 / (1 + np.exp(-input))
        return self.output

    def backward(self, output_gradient, learning_rate):
        return output_gradient * self.output * (1 - self.output)


def mse(y_true, y_pred):
    return np.mean((y_true - y_pred) ** 2)


def mse_prime(y_true, y_pred):
    return 2 * (y_pred - y_true) / np.size(y_true)


def predict(network, input):
    for layer in network:
        input = layer.forward(input)
    return input


np.random.seed(0)
network = [Dense(3, 4), Sigmoid(), Dense(4, 2), Sigmoid()]
X = np.random.randn(50, 3, 1)
Y = np.random.rand(50, 2, 1)
for epoch in range(100):
    for x, y in zip(X, Y):
        grad = mse_prime(y, predict(network, x))
        for layer in reversed(network):
            grad = layer.backward(grad, 0.1)
