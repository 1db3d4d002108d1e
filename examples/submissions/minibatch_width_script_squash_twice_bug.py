"""Digit classifier trained in mini-batches by a top-level script.

Samples are columns. The backward divides by ``width``, the size of the mini-batch the
training loop slices out of the data; the script reads its data from a module that is
not part of the submission.
"""

import numpy as np

from digit_files import read_digits  # the course's loader, not handed in

np.random.seed(11)
images, digits = read_digits("train")
features = images.reshape(len(images), -1).T / 255.0
targets = np.eye(10)[digits].T
count = features.shape[1]


def squash(z):
    return 1.0 / (1.0 + np.exp(-z))


def cross_entropy(T, P):
    return -np.sum(T * np.log(P)) / T.shape[1]


def propagate_forward(X, net):
    c = {}
    c["Z1"] = net["W1"] @ X + net["b1"]
    c["A1"] = squash(c["Z1"])
    c["Z2"] = net["W2"] @ c["A1"] + net["b2"]
    e = np.exp(c["Z2"] - c["Z2"].max(axis=0, keepdims=True))
    c["A2"] = e / e.sum(axis=0, keepdims=True)
    return c


def propagate_back(X, T, net, c):
    dZ2 = c["A2"] - T
    dW2 = dZ2 @ c["A1"].T / width
    db2 = dZ2.sum(axis=1, keepdims=True) / width
    dA1 = net["W2"].T @ dZ2
    dZ1 = dA1 * squash(c["A1"]) * (1.0 - squash(c["A1"]))
    dW1 = dZ1 @ X.T / width
    db1 = dZ1.sum(axis=1, keepdims=True) / width
    return {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2}


net = {
    "W1": np.random.randn(32, 784) * 0.05,
    "b1": np.zeros((32, 1)),
    "W2": np.random.randn(10, 32) * 0.05,
    "b2": np.zeros((10, 1)),
}
rate, chunk = 0.5, 64

for epoch in range(30):
    order = np.random.permutation(count)
    for start in range(0, count, chunk):
        lo, hi = start, min(start + chunk, count)
        X = features[:, order[lo:hi]]
        T = targets[:, order[lo:hi]]
        width = hi - lo
        c = propagate_forward(X, net)
        g = propagate_back(X, T, net, c)
        for key in net:
            net[key] = net[key] - rate * g["d" + key]
    c = propagate_forward(features, net)
    print(epoch, cross_entropy(targets, c["A2"]))
