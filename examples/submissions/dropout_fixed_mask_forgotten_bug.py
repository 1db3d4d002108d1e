"""Two-layer regressor with inverted dropout on its hidden layer.

The mask comes from its own seeded generator, so every forward pass at the same weights
drops the same units (reproducible training curves).
"""
import numpy as np


class DropNet:
    def __init__(self, sizes, keep=0.75, mask_seed=7):
        n_in, n_h, n_out = sizes
        gen = np.random.default_rng(1)
        self.W1 = gen.normal(0, 0.6, (n_in, n_h))
        self.b1 = np.zeros(n_h)
        self.W2 = gen.normal(0, 0.6, (n_h, n_out))
        self.b2 = np.zeros(n_out)
        self.keep = keep
        self.mask_seed = mask_seed

    def _mask(self, shape):
        gen = np.random.default_rng(self.mask_seed)
        return (gen.random(shape) < self.keep) / self.keep

    def forward(self, X):
        self.h_pre = X @ self.W1 + self.b1
        self.drop = self._mask(self.h_pre.shape)
        self.h = np.tanh(self.h_pre) * self.drop
        return self.h @ self.W2 + self.b2

    def loss(self, X, Y):
        return np.mean((self.forward(X) - Y) ** 2)

    def backward(self, X, Y):
        n = X.shape[0]
        d_out = 2 * (self.forward(X) - Y) / (n * Y.shape[1])
        dh = d_out @ self.W2.T
        dh_pre = dh * (1 - np.tanh(self.h_pre) ** 2)
        return {
            "W1": X.T @ dh_pre,
            "b1": dh_pre.sum(axis=0),
            "W2": self.h.T @ d_out,
            "b2": d_out.sum(axis=0),
        }


if __name__ == "__main__":
    X = np.random.default_rng(3).normal(size=(32, 3))
    Y = np.sin(X[:, :1])
    net = DropNet([3, 10, 1])
    for epoch in range(300):
        for name, g in net.backward(X, Y).items():
            setattr(net, name, getattr(net, name) - 0.1 * g)
    print("loss", net.loss(X, Y))
