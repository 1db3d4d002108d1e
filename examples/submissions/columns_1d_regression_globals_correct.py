"""Correct: 1-D regression (one input, one output), samples as columns, weights as module globals
W1 (H, 1), b1 (H, 1), W2 (1, H), b2 (1, 1); tanh hidden, identity output, MSE mean; backward() updates the
globals in place and returns them. With one input and one output the weights read the same both ways."""
import numpy as np

rng = np.random.default_rng(5)
hidden = 12
W1 = rng.normal(0, 0.5, (hidden, 1))
b1 = rng.normal(0, 0.1, (hidden, 1))
W2 = rng.normal(0, 0.5, (1, hidden))
b2 = np.zeros((1, 1))


def forward(X, W1, b1, W2, b2):
    Z1 = W1 @ X + b1
    H = np.tanh(Z1)
    out = W2 @ H + b2
    return out, H


def mse(pred, target):
    return np.mean((pred - target) ** 2)


def backward(X, Y, out, H, W1, b1, W2, b2, lr):
    m = X.shape[1]
    d_out = 2 * (out - Y) / m
    gW2 = d_out @ H.T
    gb2 = d_out.sum(axis=1, keepdims=True)
    dZ1 = (W2.T @ d_out) * (1 - H**2)
    gW1 = dZ1 @ X.T
    gb1 = dZ1.sum(axis=1, keepdims=True)
    W1 -= lr * gW1
    b1 -= lr * gb1
    W2 -= lr * gW2
    b2 -= lr * gb2
    return W1, b1, W2, b2


xs = np.linspace(-1, 1, 25).reshape(1, -1)
ys = np.sin(3 * xs)
for epoch in range(300):
    out, H = forward(xs, W1, b1, W2, b2)
    W1, b1, W2, b2 = backward(xs, ys, out, H, W1, b1, W2, b2, 0.1)
print(mse(forward(xs, W1, b1, W2, b2)[0], ys))
