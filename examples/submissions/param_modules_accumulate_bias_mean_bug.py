"""A tiny autograd-free imitation of torch.nn in numpy.

Each Param keeps .data and .grad; backward passes ADD into .grad, so training calls
zero_grad() before every backward, as with torch.
"""
import numpy as np


class Param:
    def __init__(self, data):
        self.data = data
        self.grad = np.zeros_like(data)


class Module:
    def parameters(self):
        return []

    def zero_grad(self):
        for p in self.parameters():
            p.grad = np.zeros_like(p.data)

    def __call__(self, x):
        return self.forward(x)


class Linear(Module):
    def __init__(self, n_in, n_out, rng=np.random.default_rng(0)):
        bound = 1 / np.sqrt(n_in)
        self.weight = Param(rng.uniform(-bound, bound, (n_in, n_out)))
        self.bias = Param(rng.uniform(-bound, bound, n_out))

    def parameters(self):
        return [self.weight, self.bias]

    def forward(self, x):
        self.x = x
        return x @ self.weight.data + self.bias.data

    def backward(self, g):
        self.weight.grad += self.x.T @ g
        self.bias.grad += g.mean(axis=0)
        return g @ self.weight.data.T


class Tanh(Module):
    def forward(self, x):
        self.out = np.tanh(x)
        return self.out

    def backward(self, g):
        return g * (1 - self.out**2)


class Sigmoid(Module):
    def forward(self, x):
        self.out = 1 / (1 + np.exp(-x))
        return self.out

    def backward(self, g):
        return g * self.out * (1 - self.out)


class Sequential(Module):
    def __init__(self, *layers):
        self.layers = layers

    def parameters(self):
        return [p for layer in self.layers for p in layer.parameters()]

    def forward(self, x):
        for layer in self.layers:
            x = layer(x)
        return x

    def backward(self, g):
        for layer in reversed(self.layers):
            g = layer.backward(g)
        return g


class MSELoss:
    def __call__(self, pred, target):
        self.diff = pred - target
        return np.mean(self.diff**2)

    def backward(self):
        return 2 * self.diff / self.diff.size


class SGD:
    def __init__(self, params, lr):
        self.params = list(params)
        self.lr = lr

    def zero_grad(self):
        for p in self.params:
            p.grad[...] = 0.0

    def step(self):
        for p in self.params:
            p.data -= self.lr * p.grad


if __name__ == "__main__":
    rng = np.random.default_rng(5)
    X = rng.normal(size=(64, 4))
    Y = np.stack([X[:, 0] * X[:, 1], np.sin(X[:, 2]), X[:, 3] ** 2], axis=1)
    model = Sequential(Linear(4, 8), Tanh(), Linear(8, 6), Sigmoid(), Linear(6, 3))
    criterion = MSELoss()
    opt = SGD(model.parameters(), lr=0.1)
    for epoch in range(500):
        opt.zero_grad()
        loss = criterion(model(X), Y)
        model.backward(criterion.backward())
        opt.step()
        if epoch % 100 == 0:
            print(epoch, loss)
