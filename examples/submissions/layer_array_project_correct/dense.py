import numpy as np
from activations import Tanh


class Dense:  # out = f(W x + b), x is one column vector
    def __init__(self, n_in, n_out, activation=Tanh):
        self.n_in = n_in
        self.n_out = n_out
        self.act = activation()
        self.W = np.random.randn(n_out, n_in) * np.sqrt(1 / n_in)
        self.bias = np.zeros((n_out, 1))

    def forward(self, x):
        self.x = x
        return self.act.forward(self.W @ x + self.bias)

    def backprop(self, grad, lr):
        dz = self.act.backward(grad)
        dW = dz @ self.x.T
        db = dz
        dx = self.W.T @ dz  # before the weights move
        self.W -= lr * dW
        self.bias -= lr * db
        return dx
