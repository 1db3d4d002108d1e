"""Bug: an XOR script of four samples whose update is the gradient of half the sum of squared errors, while the
loss it prints (and is judged by) is their mean: every gradient N / 2 = 2 times the true one. At four samples
that is also the MSE factor 2 applied twice; both readings are said, the half-sum one first, as the code
multiplies by no 2."""

import numpy as np

inputs = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
targets = np.array([[0.0], [1.0], [1.0], [0.0]])

gen = np.random.default_rng(11)
w_hidden = gen.uniform(-1, 1, (2, 3))
b_hidden = gen.uniform(-1, 1, (1, 3))
w_out = gen.uniform(-1, 1, (3, 1))
b_out = gen.uniform(-1, 1, (1, 1))
step = 0.5


def squash(v):
    return 1 / (1 + np.exp(-v))


for epoch in range(5000):
    hidden = squash(inputs @ w_hidden + b_hidden)
    out = squash(hidden @ w_out + b_out)
    mse = np.mean((targets - out) ** 2)
    d_out = (out - targets) * out * (1 - out)
    d_hidden = (d_out @ w_out.T) * hidden * (1 - hidden)
    grad_w_out = hidden.T @ d_out
    grad_b_out = np.sum(d_out, axis=0, keepdims=True)
    grad_w_hidden = inputs.T @ d_hidden
    grad_b_hidden = np.sum(d_hidden, axis=0, keepdims=True)
    w_out -= step * grad_w_out
    b_out -= step * grad_b_out
    w_hidden -= step * grad_w_hidden
    b_hidden -= step * grad_b_hidden
    if epoch % 1000 == 0:
        print(epoch, mse)
