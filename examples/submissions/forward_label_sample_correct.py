"""A softmax classifier trained one sample at a time: Forward(input, label) gives the loss, Backward() steps."""

import numpy as np


class TwoLayer:
    def __init__(self, n_in, n_hidden, n_out, lr=0.05):
        self.W1 = np.random.randn(n_hidden, n_in) * 0.3
        self.b1 = np.zeros(n_hidden)
        self.W2 = np.random.randn(n_out, n_hidden) * 0.3
        self.b2 = np.zeros(n_out)
        self.lr = lr

    def Forward(self, input, label):
        self.x = input
        self.t = label
        self.h = np.tanh(self.W1 @ input + self.b1)
        z = self.W2 @ self.h + self.b2
        e = np.exp(z - z.max())
        self.p = e / e.sum()
        return -np.log(self.p[label])

    def Backward(self):
        dz = self.p.copy()
        dz[self.t] -= 1
        dh = (self.W2.T @ dz) * (1 - self.h**2)
        self.W2 -= self.lr * np.outer(dz, self.h)
        self.b2 -= self.lr * dz
        self.W1 -= self.lr * np.outer(dh, self.x)
        self.b1 -= self.lr * dh


if __name__ == "__main__":
    net = TwoLayer(4, 8, 3)
    data = np.random.randn(30, 4)
    labels = np.random.randint(0, 3, 30)
    for epoch in range(20):
        for x, y in zip(data, labels):
            loss = net.Forward(x, y)
            net.Backward()
