import numpy as np


def sig(v):
    return 1.0 / (1.0 + np.exp(-v))


class TinyNet:
    def init(self, n_in, n_hid, n_out):
        self.W1 = np.random.randn(n_in, n_hid) * 0.8
        self.b1 = np.zeros(n_hid)
        self.W2 = np.random.randn(n_hid, n_out) * 0.8
        self.b2 = np.zeros(n_out)

    def forward(self, x):
        self.x = x
        self.hid = np.tanh(x @ self.W1 + self.b1)
        self.out = sig(self.hid @ self.W2 + self.b2)
        return self.out

    def cost(self, y):
        return np.mean((self.out - y) ** 2)

    def backward(self, y):
        n, k = y.shape
        g_out = 2 * (self.out - y) / (n * k) * self.out * (1 - self.out)
        g_hid = g_out @ self.W2.T * (1 - np.tanh(self.hid) ** 2)
        self.W2 -= 0.25 * self.hid.T @ g_out
        self.b2 -= 0.25 * g_out.sum(axis=0)
        self.W1 -= 0.25 * self.x.T @ g_hid
        self.b1 -= 0.25 * g_hid.sum(axis=0)
