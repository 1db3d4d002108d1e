"""Two sigmoid layers trained on the mean squared error over every entry, for any number of classes.

Bug: the gradient divides by the number of samples only, while the loss averages over the classes too.
"""

import numpy as np


def sig(v):
    return 1.0 / (1.0 + np.exp(-v))


def mean_square(pred, target):
    return np.square(pred - target).sum() / target.size


class Layer:
    def __init__(self, n_in, n_out):
        bound = np.sqrt(6.0 / (n_in + n_out))
        self.kernel = np.random.uniform(-bound, bound, (n_in, n_out))
        self.shift = np.zeros((1, n_out))

    def run(self, inputs):
        self.pre = inputs @ self.kernel + self.shift
        self.out = sig(self.pre)
        return self.out


class Classifier:
    def __init__(self, n_features, n_classes):
        self.inner = Layer(n_features, 12)
        self.outer = Layer(12, n_classes)

    def forward(self, X):
        return self.outer.run(self.inner.run(X))

    def backprop(self, X, targets, lr):
        count = targets.shape[0]
        delta_out = 2.0 * (self.outer.out - targets) * self.outer.out * (1 - self.outer.out) / count
        delta_in = (delta_out @ self.outer.kernel.T) * self.inner.out * (1 - self.inner.out)
        self.outer.kernel = self.outer.kernel - lr * self.inner.out.T @ delta_out
        self.outer.shift = self.outer.shift - lr * delta_out.sum(axis=0, keepdims=True)
        self.inner.kernel = self.inner.kernel - lr * X.T @ delta_in
        self.inner.shift = self.inner.shift - lr * delta_in.sum(axis=0, keepdims=True)


def run_epoch(model, X, Y, lr, batch=8):
    pieces = []
    left_x, left_y = X, Y
    while len(left_x):
        pieces.append((left_x[:batch], left_y[:batch]))
        left_x, left_y = left_x[batch:], left_y[batch:]
    for xb, yb in pieces:
        model.forward(xb)
        model.backprop(xb, yb, lr)
    return mean_square(model.forward(X), Y)
