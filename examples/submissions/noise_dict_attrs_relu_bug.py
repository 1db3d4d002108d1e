"""Bug: as noise_dict_attrs_correct.py, but the second layer's ReLU derivative is taken from the first layer (z1 > 0 where z2 > 0 belongs): W1, b1, W2, b2 wrong."""
import numpy as np

_gen = np.random.default_rng(5)
noise = {
    "W1": 0.01 * _gen.standard_normal((2, 5)),
    "b1": 0.01 * _gen.standard_normal(5),
    "W2": 0.01 * _gen.standard_normal((5, 4)),
    "b2": 0.01 * _gen.standard_normal(4),
    "W3": 0.01 * _gen.standard_normal((4, 1)),
    "b3": 0.01 * _gen.standard_normal(1),
}


class ThreeLayer:
    def __init__(self):
        g = np.random.default_rng(8)
        self.noise = noise
        self.W1 = g.normal(0, 0.7, (2, 5)) + noise["W1"]
        self.b1 = 0.1 + noise["b1"]
        self.W2 = g.normal(0, 0.7, (5, 4)) + noise["W2"]
        self.b2 = 0.1 + noise["b2"]
        self.W3 = g.normal(0, 0.7, (4, 1)) + noise["W3"]
        self.b3 = np.zeros(1) + noise["b3"]

    def forward(self, X):
        self.X = X
        self.z1 = X @ self.W1 + self.b1
        self.a1 = np.maximum(self.z1, 0)
        self.z2 = self.a1 @ self.W2 + self.b2
        self.a2 = np.maximum(self.z2, 0)
        self.out = 1 / (1 + np.exp(-(self.a2 @ self.W3 + self.b3)))
        return self.out

    def backward(self, y):
        m = y.shape[0]
        d3 = 2 * (self.out - y) / m * self.out * (1 - self.out)
        d2 = (d3 @ self.W3.T) * (self.z1[:, :4] > 0)
        d1 = (d2 @ self.W2.T) * (self.z1 > 0)
        ret = {}
        ret["W3"], ret["b3"] = self.a2.T @ d3, d3.sum(axis=0)
        ret["W2"], ret["b2"] = self.a1.T @ d2, d2.sum(axis=0)
        ret["W1"], ret["b1"] = self.X.T @ d1, d1.sum(axis=0)
        return ret

    def loss(self, X, y):
        return np.mean((self.forward(X) - y) ** 2)
