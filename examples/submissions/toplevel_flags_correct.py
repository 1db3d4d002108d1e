"""Correct: a settings object and a debug flag computed at top level (CONFIG = load_config(), DEBUG = os.environ... == "1"), read inside forward and backward; tanh hidden layer, sigmoid output, BCE; a training loop at the bottom."""
import os

import numpy as np


def load_config():
    return {"hidden": 6, "init_scale": 0.5, "lr": 0.2, "epochs": 300}


CONFIG = load_config()
DEBUG = os.environ.get("NET_DEBUG", "0") == "1"
rng = np.random.default_rng(11)


class TinyNet:
    def __init__(self, n_in, n_out):
        h = CONFIG["hidden"]
        self.W1 = CONFIG["init_scale"] * rng.standard_normal((n_in, h))
        self.b1 = np.zeros(h)
        self.W2 = CONFIG["init_scale"] * rng.standard_normal((h, n_out))
        self.b2 = np.zeros(n_out)

    def forward(self, X):
        self.X = X
        self.a1 = np.tanh(X @ self.W1 + self.b1)
        self.out = 1.0 / (1.0 + np.exp(-(self.a1 @ self.W2 + self.b2)))
        if DEBUG:
            print("forward", self.out.shape)
        return self.out

    def loss(self, y):
        p = self.out
        return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))

    def backward(self, y):
        n = y.size
        d2 = (self.out - y) / n
        grads = {"W2": self.a1.T @ d2, "b2": d2.sum(axis=0)}
        d1 = (d2 @ self.W2.T) * (1.0 - self.a1**2)
        grads["W1"] = self.X.T @ d1
        grads["b1"] = d1.sum(axis=0)
        if DEBUG:
            print({k: float(np.abs(v).max()) for k, v in grads.items()})
        return grads


X_train = rng.standard_normal((40, 3))
y_train = (X_train[:, :1] * X_train[:, 1:2] > 0).astype(float)
net = TinyNet(3, 1)
for epoch in range(CONFIG["epochs"]):
    net.forward(X_train)
    if DEBUG:
        print(epoch, net.loss(y_train))
    for name, g in net.backward(y_train).items():
        setattr(net, name, getattr(net, name) - CONFIG["lr"] * g)
