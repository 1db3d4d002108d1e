# Lab 3: a 2-6-1 network on a noisy circle, trained with full-batch gradient descent.
import numpy as np
from nnhelpers import binary_cross_entropy, logistic, tanh, tanh_grad

rng = np.random.default_rng(11)
points = rng.uniform(-1.0, 1.0, size=(40, 2))
inside = (np.sum(points**2, axis=1, keepdims=True) < 0.5).astype(float)

W1 = rng.normal(0.0, 0.8, size=(2, 6))
b1 = np.zeros((1, 6))
W2 = rng.normal(0.0, 0.8, size=(6, 1))
b2 = np.zeros((1, 1))
step = 0.3

for epoch in range(500):
    z1 = points @ W1 + b1
    h = tanh(z1)
    p = logistic(h @ W2 + b2)
    cost = binary_cross_entropy(inside, p)

    n = points.shape[0]
    d_out = (p - inside) / n
    dW2 = h.T @ d_out
    db2 = d_out.sum(axis=0, keepdims=True)
    d_hidden = (d_out @ W2.T) * tanh_grad(z1)
    dW1 = points.T @ d_hidden
    db1 = d_hidden.sum(axis=0, keepdims=True)

    W1 -= step * dW1
    b1 -= step * db1
    W2 -= step * dW2
    b2 -= step * db2
    if epoch % 100 == 0:
        print(epoch, round(float(cost), 4))
