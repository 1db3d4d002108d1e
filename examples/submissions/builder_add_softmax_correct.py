"""Layer classes assembled with add() in a builder function; softmax output, cross-entropy on one-hot labels.

The Softmax layer's backward passes its gradient through: the loss's backward already returns dL/dz.
"""

import numpy as np


class Dense:
    def __init__(self, n_in, n_out):
        self.W = np.random.randn(n_in, n_out) * np.sqrt(2.0 / n_in)
        self.b = np.zeros((1, n_out))

    def forward(self, x):
        self.x = x
        return x @ self.W + self.b

    def backward(self, grad):
        self.dW = self.x.T @ grad
        self.db = grad.sum(axis=0, keepdims=True)
        return grad @ self.W.T


class ReLU:
    def forward(self, x):
        self.mask = x > 0
        return x * self.mask

    def backward(self, grad):
        return grad * self.mask


class Softmax:
    def forward(self, x):
        e = np.exp(x - x.max(axis=1, keepdims=True))
        return e / e.sum(axis=1, keepdims=True)

    def backward(self, grad):
        return grad


class CrossEntropy:
    def loss(self, probs, y_onehot):
        return -np.mean(np.sum(y_onehot * np.log(probs + 1e-12), axis=1))

    def backward(self, probs, y_onehot):
        return (probs - y_onehot) / probs.shape[0]


class Model:
    def __init__(self):
        self.layers = []
        self.loss_fn = CrossEntropy()

    def add(self, layer):
        self.layers.append(layer)

    def forward(self, x):
        for layer in self.layers:
            x = layer.forward(x)
        return x

    def backward(self, probs, y):
        grad = self.loss_fn.backward(probs, y)
        for layer in reversed(self.layers):
            grad = layer.backward(grad)

    def step(self, lr):
        for layer in self.layers:
            if isinstance(layer, Dense):
                layer.W -= lr * layer.dW
                layer.b -= lr * layer.db


def build_model():
    m = Model()
    m.add(Dense(4, 10))
    m.add(ReLU())
    m.add(Dense(10, 3))
    m.add(Softmax())
    return m


if __name__ == "__main__":
    rng = np.random.default_rng(0)
    X = rng.normal(size=(150, 4))
    labels = (X[:, 0] > 0).astype(int) + (X[:, 1] > 0).astype(int)
    Y = np.eye(3)[labels]
    model = build_model()
    for epoch in range(300):
        probs = model.forward(X)
        model.backward(probs, Y)
        model.step(0.1)
    print(model.loss_fn.loss(model.forward(X), Y))
