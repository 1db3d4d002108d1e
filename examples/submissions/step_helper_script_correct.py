"""Binary classifier script whose layers share two helpers: layer(x, w, b) for the forward and
apply_step(x, delta, w, b), which moves a layer's weights in place and hands them back."""

import numpy as np

LR = 0.5
rng = np.random.default_rng(21)
X = rng.normal(size=(30, 3))
Y = (X.sum(axis=1, keepdims=True) > 0).astype(float)

W1 = rng.normal(scale=0.5, size=(3, 5))
b1 = np.zeros(5)
W2 = rng.normal(scale=0.5, size=(5, 1))
b2 = np.zeros(1)


def layer(x, w, b):
    return x @ w + b


def apply_step(x, delta, w, b):
    w -= x.T @ delta * LR
    b -= delta.sum(axis=0) * LR
    return w, b


for _epoch in range(500):
    h = np.tanh(layer(X, W1, b1))
    p = 1 / (1 + np.exp(-layer(h, W2, b2)))
    bce = -np.mean(Y * np.log(p) + (1 - Y) * np.log(1 - p))

    d2 = (p - Y) / len(X)
    d1 = d2 @ W2.T * (1 - h**2)
    W2, b2 = apply_step(h, d2, W2, b2)
    W1, b1 = apply_step(X, d1, W1, b1)
