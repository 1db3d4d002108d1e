import numpy as np


def logistic(x):
    return 1 / (1 + np.exp(-x))


def logistic_slope(x):
    return logistic(x) * (1 - logistic(x))


class Squash:
    def forward(self, a):
        self.out = logistic(a)
        return self.out

    def backward(self, err, rate):
        return logistic_slope(self.out) * err  # the slope taken at the output, not at the input
