"""Layer objects assembled with net.add(...) in a loop inside a builder function; the loss gradient 2 * (out - y) misses the 1/N of its mean."""
import numpy as np


class Dense:
    def __init__(self, n_in, n_out, rng):
        self.W = rng.normal(0, np.sqrt(1 / n_in), (n_in, n_out))
        self.b = np.zeros(n_out)

    def forward(self, x):
        self.x = x
        return x @ self.W + self.b

    def backward(self, g):
        self.dW = self.x.T @ g
        self.db = g.sum(axis=0)
        return g @ self.W.T


class Tanh:
    def forward(self, x):
        self.y = np.tanh(x)
        return self.y

    def backward(self, g):
        return g * (1 - self.y ** 2)


class Net:
    def __init__(self):
        self.layers = []

    def add(self, layer):
        self.layers.append(layer)

    def forward(self, x):
        for layer in self.layers:
            x = layer.forward(x)
        return x

    def backward(self, out, y):
        g = 2 * (out - y)
        for layer in reversed(self.layers):
            g = layer.backward(g)

    def update(self, lr):
        for layer in self.layers:
            if isinstance(layer, Dense):
                layer.W -= lr * layer.dW
                layer.b -= lr * layer.db


def build(sizes, seed=0):
    rng = np.random.default_rng(seed)
    net = Net()
    for i in range(len(sizes) - 1):
        net.add(Dense(sizes[i], sizes[i + 1], rng))
        if i < len(sizes) - 2:
            net.add(Tanh())
    return net


def mse(out, y):
    return np.mean((out - y) ** 2)


if __name__ == "__main__":
    X = np.random.randn(64, 3)
    y = X[:, :1] ** 2
    net = build([3, 8, 8, 1])
    for _ in range(200):
        out = net.forward(X)
        net.backward(out, y)
        net.update(0.05)
    print(mse(net.forward(X), y))
