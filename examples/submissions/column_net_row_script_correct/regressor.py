"""A column-layout regressor: samples are columns, sigmoid hidden layers, a linear output."""

import numpy as np


class Regressor:
    def __init__(self, n_inputs, hidden, n_outputs):
        widths = [n_inputs, *hidden, n_outputs]
        self.Ws = [np.random.randn(b, a) * 0.5 for a, b in zip(widths[:-1], widths[1:])]
        self.bs = [np.random.randn(b, 1) * 0.1 for b in widths[1:]]

    def predict(self, X):
        self.acts = [X]
        self.pre = []
        for k, (W, b) in enumerate(zip(self.Ws, self.bs)):
            z = W @ self.acts[-1] + b
            self.pre.append(z)
            last = k == len(self.Ws) - 1
            self.acts.append(z if last else 1.0 / (1.0 + np.exp(-z)))
        return self.acts[-1]

    def gradients(self, X, Y):
        m = X.shape[1]
        delta = 2.0 * (self.acts[-1] - Y) / m  # d/dz of mean((out - Y) ** 2) over the samples
        grads = []
        for k in reversed(range(len(self.Ws))):
            grads.insert(0, (delta @ self.acts[k].T, delta.sum(axis=1, keepdims=True)))
            if k > 0:
                s = self.acts[k]
                delta = (self.Ws[k].T @ delta) * s * (1.0 - s)
        return grads

    def step(self, grads, rate):
        for k, (dW, db) in enumerate(grads):
            self.Ws[k] -= rate * dW
            self.bs[k] -= rate * db
