"""Layer classes that work out their own step in backward and apply it in update(),
each with its learning rate; a ReLU hidden layer, a sigmoid output and binary cross-entropy."""

import numpy as np


class FullyConnected:
    def __init__(self, n_in, n_out, learning_rate=0.1):
        self.W = np.random.randn(n_in, n_out) * np.sqrt(2.0 / n_in)
        self.b = np.zeros(n_out)
        self.learning_rate = learning_rate
        self.step_W = np.zeros_like(self.W)
        self.step_b = np.zeros_like(self.b)

    def forward(self, x):
        self.x = x
        return x @ self.W + self.b

    def backward(self, grad):
        self.step_W = self.learning_rate * (self.x.T @ grad)
        self.step_b = self.learning_rate * grad.mean(axis=0)
        return grad @ self.W.T

    def update(self):
        self.W -= self.step_W
        self.b -= self.step_b


class ReLU:
    def forward(self, x):
        self.mask = x > 0
        return x * self.mask

    def backward(self, grad):
        return grad * self.mask

    def update(self):
        pass


class Sigmoid:
    def forward(self, x):
        self.y = 1.0 / (1.0 + np.exp(-x))
        return self.y

    def backward(self, grad):
        return grad * self.y * (1.0 - self.y)

    def update(self):
        pass


class BinaryCrossEntropy:
    def forward(self, p, t):
        p = np.clip(p, 1e-12, 1 - 1e-12)
        return -np.mean(t * np.log(p) + (1 - t) * np.log(1 - p))

    def backward(self, p, t):
        p = np.clip(p, 1e-12, 1 - 1e-12)
        return (p - t) / (p * (1 - p)) / t.size


class Classifier:
    def __init__(self, n_in, n_hidden):
        self.layers = [FullyConnected(n_in, n_hidden), ReLU(), FullyConnected(n_hidden, 1), Sigmoid()]
        self.criterion = BinaryCrossEntropy()

    def forward(self, x):
        for layer in self.layers:
            x = layer.forward(x)
        return x

    def backward(self, y_pred, y_true):
        grad = self.criterion.backward(y_pred, y_true)
        for layer in reversed(self.layers):
            grad = layer.backward(grad)

    def update(self):
        for layer in self.layers:
            layer.update()


if __name__ == "__main__":
    np.random.seed(8)
    X = np.random.randn(200, 2)
    T = (X[:, :1] * X[:, 1:] > 0).astype(float)
    model = Classifier(2, 12)
    for epoch in range(500):
        P = model.forward(X)
        model.backward(P, T)
        model.update()
    print(model.criterion.forward(model.forward(X), T))
