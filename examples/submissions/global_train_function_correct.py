"""Fashion-MNIST with three sigmoid layers, written from the lecture's four equations.

Samples arrive as rows; the network works on columns. The weights are module globals that
train() updates after computing every gradient inline.
"""

import numpy as np
from keras.datasets import fashion_mnist


def squash(z):
    return 1.0 / (1.0 + np.exp(-np.clip(z, -60, 60)))


def run(batch):
    a0 = batch.T
    z1 = w1 @ a0 + b1
    a1 = squash(z1)
    z2 = w2 @ a1 + b2
    a2 = squash(z2)
    z3 = w3 @ a2 + b3
    a3 = squash(z3)
    return a0, z1, a1, z2, a2, a3


def total_error(out, digits):
    wanted = np.zeros(out.shape)
    wanted[digits, np.arange(len(digits))] = 1.0
    gap = out - wanted
    return gap, 0.5 * np.sum(gap * gap)


def last_delta(gap, out):
    return gap * out * (1.0 - out)


def pass_back(act, later_delta, weights):
    return act * (1.0 - act) * (weights.T @ later_delta)


(train_x, train_y), (test_x, test_y) = fashion_mnist.load_data()
pixels = train_x.reshape(len(train_x), -1).astype("float64") / 255.0

g = np.random.default_rng(3)
w1, b1 = g.normal(0, 0.05, (32, 784)), np.zeros((32, 1))
w2, b2 = g.normal(0, 0.05, (16, 32)), np.zeros((16, 1))
w3, b3 = g.normal(0, 0.05, (10, 16)), np.zeros((10, 1))


def train(rounds, count, size, speed):
    global w1, w2, w3, b1, b2, b3
    speed = speed / size
    for r in range(rounds):
        for s in range(0, count, size):
            xb = pixels[s : s + size]
            yb = train_y[s : s + size]
            a0, z1, a1, z2, a2, a3 = run(xb)
            gap, err = total_error(a3, yb)
            d3 = last_delta(gap, a3)
            d2 = pass_back(a2, d3, w3)
            d1 = pass_back(a1, d2, w2)
            gw3, gb3 = d3 @ a2.T, d3.sum(axis=1, keepdims=True)
            gw2, gb2 = d2 @ a1.T, d2.sum(axis=1, keepdims=True)
            gw1, gb1 = d1 @ a0.T, d1.sum(axis=1, keepdims=True)
            w3 = w3 - speed * gw3
            w2 = w2 - speed * gw2
            w1 = w1 - speed * gw1
            b3 = b3 - speed * gb3
            b2 = b2 - speed * gb2
            b1 = b1 - speed * gb1
        print("round", r, "error", err)


train(10, 60000, 50, 3.0)
np.savez("weights.npz", w1=w1, w2=w2, w3=w3, b1=b1, b2=b2, b3=b3)
