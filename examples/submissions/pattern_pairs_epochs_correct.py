"""Back-propagation on [input, target] patterns, one pattern at a time."""

import numpy as np


def squash(v):
    return np.tanh(v)


def sse(out, target):
    return 0.5 * np.sum((np.asarray(out) - np.asarray(target)) ** 2)


class PatternNet:
    def __init__(self, n_in, n_hid, n_out):
        self.w_ih = np.random.uniform(-0.5, 0.5, (n_in, n_hid))
        self.w_ho = np.random.uniform(-0.5, 0.5, (n_hid, n_out))

    def feed_forward(self, inputs):
        self.a_in = np.asarray(inputs, dtype=float)
        self.a_hid = squash(self.a_in @ self.w_ih)
        self.a_out = squash(self.a_hid @ self.w_ho)
        return self.a_out

    def back_propagate(self, targets, rate):
        err = self.a_out - np.asarray(targets, dtype=float)
        d_out = err * (1 - self.a_out**2)
        d_hid = (self.w_ho @ d_out) * (1 - self.a_hid**2)
        self.w_ho -= rate * np.outer(self.a_hid, d_out)
        self.w_ih -= rate * np.outer(self.a_in, d_hid)

    def train(self, patterns, epochs=1000, rate=0.2):
        for epoch in range(epochs):
            total = 0.0
            for p in patterns:
                total += sse(self.feed_forward(p[0]), p[1])
                self.back_propagate(p[1], rate)
        return total


if __name__ == "__main__":
    xor = [[[0, 0], [0]], [[0, 1], [1]], [[1, 0], [1]], [[1, 1], [0]]]
    net = PatternNet(2, 3, 1)
    print(net.train(xor))
