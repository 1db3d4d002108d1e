import numpy as np


class Dense:
    def __init__(self, n_in, n_out):
        self.weights = 0.1 * np.random.randn(n_in, n_out)
        self.biases = np.zeros((1, n_out))

    def forward(self, x):
        self.x = x
        self.output = x @ self.weights + self.biases

    def backward(self, grad):
        self.dweights = self.x.T @ grad
        self.dbiases = grad.sum(axis=0, keepdims=True)
        self.dinputs = grad @ self.weights.T


class Tanh:
    def forward(self, x):
        self.output = np.tanh(x)

    def backward(self, grad):
        self.dinputs = grad * (1 - self.output**2)
