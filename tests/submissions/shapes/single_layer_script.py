"""One layer of weights, no hidden layer (a logistic unit trained in the classic script style): a depth-0 network."""
import numpy as np


def sig(x, der=False):
    if der:
        return x * (1 - x)
    return 1 / (1 + np.exp(-x))


x = np.array([[0, 0, 1], [0, 1, 1], [1, 0, 1], [1, 1, 1]])
y = np.array([[0, 0, 1, 1]]).T
np.random.seed(1)
syn0 = 2 * np.random.random((3, 1)) - 1
for it in range(10000):
    l1 = sig(np.dot(x, syn0))
    err = y - l1
    syn0 += np.dot(x.T, err * sig(l1, True))
