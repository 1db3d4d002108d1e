import numpy as np


class DeepOnline:
    """Two tanh hidden layers of the same width, a linear output; online SGD on 0.5 * ||y - t||^2."""

    def __init__(self, n_in, width, n_out, eta=0.01):
        self.eta = eta
        self.W = [np.random.randn(width, n_in) * 0.5, np.random.randn(width, width) * 0.5,
                  np.random.randn(n_out, width) * 0.5]
        self.b = [np.zeros(width), np.zeros(width), np.zeros(n_out)]

    def forward(self, x):
        self.acts = [x]
        for i, (W, b) in enumerate(zip(self.W, self.b)):
            z = W @ self.acts[-1] + b
            self.acts.append(z if i == len(self.W) - 1 else np.tanh(z))
        return self.acts[-1]

    def cost(self, x, t):
        return 0.5 * np.sum((self.forward(x) - t) ** 2)

    def train(self, x, t):
        y = self.forward(x)
        delta = y - t
        deltas = [delta]
        delta = (self.W[2].T @ delta) * (1 - self.acts[2] ** 2)
        deltas.insert(0, delta)
        delta = (self.W[1] @ delta) * (1 - self.acts[1] ** 2)
        deltas.insert(0, delta)
        for i in range(3):
            self.W[i] -= self.eta * np.outer(deltas[i], self.acts[i])
            self.b[i] -= self.eta * deltas[i]
