"""Correct: module stack (Parameter .data/.grad, Linear with weight (out, in) and bias (out,), ReLU, Sigmoid, MSELoss) composed as 2-16-16-1; backward(grad) stores .grad."""
import numpy as np


class Parameter:
    """A trainable array and the gradient of the loss with respect to it."""

    def __init__(self, data):
        self.data = data
        self.grad = np.zeros_like(data)


class Module:
    def forward(self, x):
        raise NotImplementedError

    def backward(self, grad):
        raise NotImplementedError

    def parameters(self):
        return []

    def __call__(self, x):
        return self.forward(x)


class Linear(Module):
    def __init__(self, in_features, out_features):
        bound = 1.0 / np.sqrt(in_features)
        self.weight = Parameter(np.random.uniform(-bound, bound, (out_features, in_features)))
        self.bias = Parameter(np.random.uniform(-bound, bound, out_features))
        self.x = None

    def forward(self, x):
        self.x = x
        return x @ self.weight.data.T + self.bias.data

    def backward(self, grad):
        # grad: dL/d(output), shape (batch, out_features)
        self.weight.grad = grad.T @ self.x
        self.bias.grad = grad.sum(axis=0)
        return grad @ self.weight.data

    def parameters(self):
        return [self.weight, self.bias]


class ReLU(Module):
    def forward(self, x):
        self.mask = x > 0
        return x * self.mask

    def backward(self, grad):
        return grad * self.mask


class Sigmoid(Module):
    def forward(self, x):
        self.out = 1.0 / (1.0 + np.exp(-x))
        return self.out

    def backward(self, grad):
        return grad * self.out * (1.0 - self.out)


class MSELoss(Module):
    """Mean over every entry of (pred - target)^2."""

    def forward(self, pred, target):
        self.diff = pred - target
        return np.mean(self.diff ** 2)

    def __call__(self, pred, target):
        return self.forward(pred, target)

    def backward(self, grad=1.0):
        return grad * 2.0 * self.diff / self.diff.size


class MLP(Module):
    def __init__(self, input_dim=2, hidden_dim=16, output_dim=1):
        self.layers = [
            Linear(input_dim, hidden_dim), ReLU(),
            Linear(hidden_dim, hidden_dim), ReLU(),
            Linear(hidden_dim, output_dim), Sigmoid(),
        ]

    def forward(self, x):
        for layer in self.layers:
            x = layer.forward(x)
        return x

    def backward(self, grad):
        for layer in reversed(self.layers):
            grad = layer.backward(grad)
        return grad

    def parameters(self):
        return [p for layer in self.layers for p in layer.parameters()]


class SGD:
    def __init__(self, parameters, lr=0.01):
        self.parameters = parameters
        self.lr = lr

    def zero_grad(self):
        for p in self.parameters:
            p.grad = np.zeros_like(p.data)

    def step(self):
        for p in self.parameters:
            p.data -= self.lr * p.grad


def make_xor(n=200, seed=0):
    rng = np.random.RandomState(seed)
    X = rng.uniform(-1, 1, size=(n, 2))
    y = ((X[:, 0] * X[:, 1]) > 0).astype(float).reshape(-1, 1)
    return X, y


if __name__ == "__main__":
    np.random.seed(0)
    X, y = make_xor()
    model = MLP(2, 16, 1)
    criterion = MSELoss()
    optimizer = SGD(model.parameters(), lr=1.0)
    for epoch in range(10000):
        optimizer.zero_grad()
        pred = model(X)
        loss = criterion(pred, y)
        model.backward(criterion.backward())
        optimizer.step()
        if epoch % 500 == 0:
            acc = np.mean((pred > 0.5) == y)
            print(f"epoch {epoch}: loss={loss:.4f} acc={acc:.2%}")
