"""A model class whose backward(self, p, t) forms np.subtract(p, t) and reads its input from a cached tuple: nothing in the code says whether p is the input or the prediction (its own call passes the forward's value inline, never under a name)."""
import numpy as np


class MLP:
    def __init__(self, n_in, n_hid, n_out, seed=1):
        r = np.random.RandomState(seed)
        self.W1 = r.randn(n_in, n_hid) * 0.4
        self.b1 = np.zeros((1, n_hid))
        self.W2 = r.randn(n_hid, n_out) * 0.4
        self.b2 = np.zeros((1, n_out))
        self.dloss = lambda q, r: (q - r) / len(r)

    def forward(self, x):
        self.a = 1 / (1 + np.exp(-(x @ self.W1 + self.b1)))
        self.cache = (x, self.a)
        return 1 / (1 + np.exp(-(self.a @ self.W2 + self.b2)))

    def bce(self, p, t):
        return -np.mean(t * np.log(p) + (1 - t) * np.log(1 - p))

    def backward(self, p, t):
        e = np.subtract(p, t) / len(t)
        self.gW2 = self.a.T @ e
        self.gb2 = e.sum(0, keepdims=True)
        s = (e @ self.W2.T) * self.a * (1 - self.a)
        self.gW1 = self.cache[0].T @ s
        self.gb1 = s.sum(0, keepdims=True)

    def step(self, lr):
        self.W1 -= lr * self.gW1
        self.b1 -= lr * self.gb1
        self.W2 -= lr * self.gW2
        self.b2 -= lr * self.gb2


if __name__ == "__main__":
    x = np.random.randn(50, 4)
    t = (x.sum(1, keepdims=True) > 0).astype(float)
    m = MLP(4, 8, 1)
    for _ in range(300):
        m.backward(m.forward(x), t)
        m.step(0.5)
    print(m.bce(m.forward(x), t))
