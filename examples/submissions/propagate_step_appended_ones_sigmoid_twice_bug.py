"""A stack of sigmoid layers trained one sample at a time. Each weight matrix has one extra row for the 1 that
fit() appends to every sample, and every hidden layer one extra unit; propagate(x, y) is the per-sample step."""

import numpy as np


class StackedNet:
    def __init__(self, layers, activation="sigmoid", alpha=0.1):
        self.layers = layers
        self.alpha = alpha
        self.act = self._sigmoid if activation == "sigmoid" else np.tanh
        self.act_slope = self._sigmoid_slope if activation == "sigmoid" else self._tanh_slope
        self.W = []
        for i in range(len(layers) - 2):
            self.W.append(np.random.randn(layers[i] + 1, layers[i + 1] + 1) / np.sqrt(layers[i]))
        self.W.append(np.random.randn(layers[-2] + 1, layers[-1]) / np.sqrt(layers[-2]))

    @staticmethod
    def _sigmoid(z):
        return 1.0 / (1.0 + np.exp(-z))

    @staticmethod
    def _sigmoid_slope(a):
        s = 1.0 / (1.0 + np.exp(-a))
        return s * (1.0 - s)

    @staticmethod
    def _tanh_slope(a):
        return 1.0 - a**2

    def feedforward_all(self, x, w):
        acts = [np.atleast_2d(x)]
        for k in range(len(w)):
            acts.append(self.act(acts[k] @ self.W[k]))
        return acts

    def layer_deltas(self, acts, y, w):
        ds = [(acts[-1] - y) * self.act_slope(acts[-1])]
        for k in range(len(acts) - 2, 0, -1):
            ds.append((ds[-1] @ self.W[k].T) * self.act_slope(acts[k]))
        return ds[::-1]

    def apply(self, acts, w, ds, alpha):
        for k in range(len(w)):
            w[k] += -alpha * acts[k].T @ ds[k]
        return w

    def propagate(self, x, y):
        acts = self.feedforward_all(x, self.W)
        ds = self.layer_deltas(acts, y, self.W)
        self.W = self.apply(acts, self.W, ds, self.alpha)

    def fit(self, X, y, epochs=1000):
        X = np.c_[X, np.ones(X.shape[0])]
        for _ in range(epochs):
            for xi, yi in zip(X, y):
                self.propagate(xi, yi)

    def predict(self, X, add_ones=True):
        p = np.atleast_2d(X)
        if add_ones:
            p = np.c_[p, np.ones(p.shape[0])]
        for w in self.W:
            p = self.act(p @ w)
        return p

    def sse(self, X, y):
        return 0.5 * np.sum((self.predict(X, add_ones=False) - y) ** 2)
