"""A small layer stack trained with a log-loss that keeps an epsilon inside its logs.

The derivative keeps the same epsilon, so it is the exact derivative of the loss the
training prints.
"""
import numpy as np

gen = np.random.default_rng(21)


class Linear:
    def __init__(self, fan_in, fan_out):
        self.W = gen.normal(0.0, 1.0 / np.sqrt(fan_in), (fan_in, fan_out))
        self.b = np.zeros((1, fan_out))

    def forward(self, x):
        self.inp = x
        return x @ self.W + self.b

    def backward(self, g):
        self.dW = self.inp.T @ g
        self.db = np.sum(g, axis=0, keepdims=True)
        return g @ self.W.T


class Tanh:
    def forward(self, x):
        self.out = np.tanh(x)
        return self.out

    def backward(self, g):
        return g * (1.0 - self.out**2)


class Sigmoid:
    def forward(self, x):
        self.out = 1.0 / (1.0 + np.exp(-x))
        return self.out

    def backward(self, g):
        return g * self.out * (1.0 - self.out)


class LogLoss:
    eps = 1e-7

    def loss(self, p, y):
        return -np.mean(y * np.log(p + self.eps) + (1 - y) * np.log(1 - p + self.eps))

    def grad(self, p, y):
        return (-y / (p + self.eps) + (1 - y) / (1 - p + self.eps)) / len(y)


class Stack:
    def __init__(self, *layers):
        self.layers = list(layers)

    def forward(self, x):
        for layer in self.layers:
            x = layer.forward(x)
        return x

    def backward(self, g):
        for layer in self.layers[::-1]:
            g = layer.backward(g)

    def fit(self, X, y, crit, steps=500, lr=0.3):
        for step in range(steps):
            p = self.forward(X)
            self.backward(crit.grad(p, y))
            for layer in self.layers:
                if isinstance(layer, Linear):
                    layer.W -= lr * layer.dW
                    layer.b -= lr * layer.db
            if step % 100 == 0:
                print(step, crit.loss(p, y))


net = Stack(Linear(2, 6), Tanh(), Linear(6, 1), Sigmoid())
crit = LogLoss()

if __name__ == "__main__":
    X = gen.normal(size=(80, 2))
    y = (X[:, :1] ** 2 + X[:, 1:] ** 2 < 1.2).astype(float)
    net.fit(X, y, crit)
