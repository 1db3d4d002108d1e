import numpy as np


class Dense:
    def __init__(self, n_in, n_out):
        self.W = np.random.randn(n_in, n_out) / np.sqrt(n_in)
        self.b = np.zeros((1, n_out))

    def forward(self, X):
        self.X = X
        return X @ self.W + self.b

    def backward(self, dout):
        self.dW = self.X.T @ dout
        self.db = dout.sum(axis=0, keepdims=True)
        return dout @ self.W.T


class Tanh:
    def forward(self, X):
        self.out = np.tanh(X)
        return self.out

    def backward(self, dout):
        return dout * (1 - self.out ** 2)
