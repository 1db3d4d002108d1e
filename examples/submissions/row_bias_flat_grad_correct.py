"""Two-moons style classifier as one script: biases kept as (1, k) rows, their gradients
summed over the batch without keepdims, so each is (k,) and numpy broadcasts it in the update."""

import numpy as np

rng = np.random.default_rng(3)
X = rng.normal(size=(40, 2))
y = (X[:, :1] * X[:, 1:] > 0).astype(float)

W_in = rng.normal(scale=0.5, size=(2, 6))
b_in = np.zeros((1, 6))
W_out = rng.normal(scale=0.5, size=(6, 1))
b_out = np.zeros((1, 1))
step_size = 0.3

for epoch in range(2000):
    hidden = np.tanh(X @ W_in + b_in)
    prob = 1.0 / (1.0 + np.exp(-(hidden @ W_out + b_out)))
    cost = -np.mean(y * np.log(prob) + (1 - y) * np.log(1 - prob))

    g_out = (prob - y) / len(X)
    g_W_out = hidden.T @ g_out
    g_b_out = g_out.sum(axis=0)
    g_hidden = (g_out @ W_out.T) * (1 - hidden**2)
    g_W_in = X.T @ g_hidden
    g_b_in = g_hidden.sum(axis=0)

    W_out -= step_size * g_W_out
    b_out -= step_size * g_b_out
    W_in -= step_size * g_W_in
    b_in -= step_size * g_b_in

    if epoch % 500 == 0:
        print(epoch, round(float(cost), 4))
