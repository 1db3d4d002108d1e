"""A tiny net handed its data when it is made, as many tutorials teach it: no loss function anywhere, the squared
error is only in the backward's 2 * (target - out), and the step has no learning rate."""

import numpy as np


def logistic(v):
    return 1.0 / (1.0 + np.exp(-v))


def logistic_slope(s):
    # s is already logistic(v)
    return s * (1.0 - s)


class TinyNet:
    def __init__(self, inputs, targets):
        self.inputs = inputs
        self.targets = targets
        self.w_hidden = np.random.rand(self.inputs.shape[1], 5)
        self.w_out = np.random.rand(5, 1)
        self.out = np.zeros(self.targets.shape)

    def feedforward(self):
        self.hidden = np.tanh(self.inputs @ self.w_hidden)
        self.out = logistic(self.hidden @ self.w_out)

    def backprop(self):
        g_out = 2 * (self.targets - self.out) * logistic_slope(self.out)
        g_hidden = (g_out @ self.w_out.T) * (1.0 - self.hidden**2)
        self.w_out += self.hidden.T @ g_out
        self.w_hidden += self.inputs.T @ g_hidden


if __name__ == "__main__":
    data = np.array([[0, 0, 1], [0, 1, 1], [1, 0, 1], [1, 1, 1]])
    wanted = np.array([[0], [1], [1], [0]])
    net = TinyNet(data, wanted)
    for _ in range(2000):
        net.feedforward()
        net.backprop()
    print(net.out.round(3))
