"""Assembles a 4-6-1 tanh/sigmoid classifier trained on binary cross-entropy (funcs.bce), per sample."""

import numpy as np

from funcs import bce, bce_d, sigmoid, sigmoid_d, tanh, tanh_d
from layers import Act, Dense
from net import Net

if __name__ == "__main__":
    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 4))
    Y = (X[:, :1] * X[:, 1:2] > 0).astype(float)
    net = Net(bce, bce_d)
    net.add(Dense(4, 6))
    net.add(Act(tanh, tanh_d))
    net.add(Dense(6, 1))
    net.add(Act(sigmoid, sigmoid_d))
    net.train(X, Y, 50, 0.1)
