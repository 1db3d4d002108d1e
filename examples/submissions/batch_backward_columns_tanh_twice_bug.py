"""A 2-16-1 regressor with its sizes fixed in the constructor; samples are columns. batch_backward() takes one
mini-batch and a rate and updates the weights in place; train() drives it over episodes."""

import numpy as np


class RegressorNet:
    def __init__(self):
        rng = np.random.default_rng(3)
        self.w1 = rng.normal(0.0, 0.5, (16, 2))
        self.b1 = np.zeros((16, 1))
        self.w2 = rng.normal(0.0, 0.5, (1, 16))
        self.b2 = np.zeros((1, 1))

    def forward(self, x):
        self.z1 = self.w1 @ x + self.b1
        self.a1 = np.tanh(self.z1)
        self.out = self.w2 @ self.a1 + self.b2
        return self.out

    def batch_backward(self, x, y, lr):
        m = x.shape[1]
        out = self.forward(x)
        loss = 0.5 * np.mean((out - y) ** 2)
        d_out = (out - y) / m
        d_w2 = d_out @ self.a1.T
        d_b2 = np.sum(d_out, axis=1, keepdims=True)
        d_a1 = self.w2.T @ d_out
        d_z1 = d_a1 * (1 - np.tanh(self.a1) ** 2)
        d_w1 = d_z1 @ x.T
        d_b1 = np.sum(d_z1, axis=1, keepdims=True)
        self.w1 -= lr * d_w1
        self.b1 -= lr * d_b1
        self.w2 -= lr * d_w2
        self.b2 -= lr * d_b2
        return loss

    def train(self, x, y, lr, batch_size, episode):
        n = x.shape[1]
        for _ in range(episode):
            order = np.random.permutation(n)
            for start in range(0, n, batch_size):
                idx = order[start : start + batch_size]
                self.batch_backward(x[:, idx], y[:, idx], lr)


if __name__ == "__main__":
    x = np.random.uniform(-1, 1, (2, 200))
    y = np.sin(x[0:1]) + x[1:2] ** 2
    net = RegressorNet()
    net.train(x, y, 0.1, 20, 50)
    print(0.5 * np.mean((net.forward(x) - y) ** 2))
