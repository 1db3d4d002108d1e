"""Regression MLP whose layers update themselves with the rate the model hands each of them.

Net(n_in, hidden, n_out, lr) keeps lr and gives every Layer its own copy; backward(y) takes the
targets, sends the error down and each layer steps as it goes. Loss: mean squared error over
every entry of the output.
"""

import numpy as np


class Layer:
    def __init__(self, n_in, n_out, act, lr):
        self.W = np.random.randn(n_in, n_out) * np.sqrt(1.0 / n_in)
        self.b = np.zeros(n_out)
        self.act = act
        self.lr = lr

    def forward(self, x):
        self.x = x
        self.z = x @ self.W + self.b
        self.a = np.tanh(self.z) if self.act == "tanh" else self.z
        return self.a

    def backward(self, grad_a):
        grad_z = grad_a * (1 - self.z**2) if self.act == "tanh" else grad_a
        grad_x = grad_z @ self.W.T
        self.W -= self.lr * (self.x.T @ grad_z)
        self.b -= self.lr * grad_z.sum(axis=0)
        return grad_x


class Net:
    def __init__(self, n_in, hidden, n_out, lr):
        self.lr = lr
        self.layers = [Layer(n_in, hidden, "tanh", self.lr), Layer(hidden, n_out, "linear", self.lr)]

    def forward(self, X):
        for layer in self.layers:
            X = layer.forward(X)
        return X

    def backward(self, y):
        out = self.layers[-1].a
        grad = 2 * (out - y) / out.size
        for layer in reversed(self.layers):
            grad = layer.backward(grad)

    def loss(self, X, y):
        return np.mean((self.forward(X) - y) ** 2)


if __name__ == "__main__":
    X = np.random.uniform(-2, 2, (200, 2))
    y = np.sin(X[:, :1]) * X[:, 1:]
    net = Net(2, 16, 1, 0.05)
    for epoch in range(2000):
        net.forward(X)
        net.backward(y)
    print(net.loss(X, y))
