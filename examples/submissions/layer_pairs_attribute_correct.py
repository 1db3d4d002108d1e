"""An MLP whose layers are [W, b] pairs in one list attribute; ReLU hidden layers, linear output, MSE."""

import numpy as np


class PairNet:
    def __init__(self, widths=(4, 8, 6, 2), seed=5):
        rng = np.random.default_rng(seed)
        self.layers = [[rng.normal(0, np.sqrt(2 / a), (a, b)), rng.normal(0, 0.1, b)] for a, b in zip(widths, widths[1:])]

    def predict(self, X):
        out = X
        for k, (W, b) in enumerate(self.layers):
            out = out @ W + b
            if k < len(self.layers) - 1:
                out = np.maximum(out, 0)
        return out

    def loss(self, X, T):
        return np.mean((self.predict(X) - T) ** 2)

    def grads(self, X, T):
        pre, outs = [], [X]
        for k, (W, b) in enumerate(self.layers):
            z = outs[-1] @ W + b
            pre.append(z)
            outs.append(np.maximum(z, 0) if k < len(self.layers) - 1 else z)
        err = 2 * (outs[-1] - T) / T.size  # mean over every entry
        result = []
        for k in reversed(range(len(self.layers))):
            result.insert(0, [outs[k].T @ err, err.sum(axis=0)])
            if k:
                err = (err @ self.layers[k][0].T) * (pre[k - 1] > 0)
        return result

    def step(self, X, T, lr=0.01):
        for layer, (dW, db) in zip(self.layers, self.grads(X, T)):
            layer[0] -= lr * dW
            layer[1] -= lr * db


if __name__ == "__main__":
    rng = np.random.default_rng(0)
    X = rng.normal(size=(128, 4))
    T = np.c_[X[:, 0] - X[:, 1], X[:, 2] * X[:, 3]]
    net = PairNet()
    for _ in range(300):
        net.step(X, T)
