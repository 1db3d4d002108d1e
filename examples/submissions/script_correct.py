"""Correct: a plain script, no function to call: weights, a training loop with forward, backward (dW1 ... db2) and update; relu hidden, sigmoid output, BCE."""
import numpy as np

rng = np.random.default_rng(3)
X = rng.normal(size=(64, 2))
Y = (X[:, :1] + X[:, 1:] ** 2 > 0.5).astype(float)

W1 = rng.normal(size=(2, 8)) * 0.5
b1 = np.full((1, 8), 0.1)
W2 = rng.normal(size=(8, 1)) * 0.5
b2 = np.zeros((1, 1))
lr = 0.5

for step in range(1000):
    z1 = X @ W1 + b1
    a1 = np.maximum(z1, 0)
    p = 1 / (1 + np.exp(-(a1 @ W2 + b2)))
    loss = -np.mean(Y * np.log(p) + (1 - Y) * np.log(1 - p))

    dz2 = (p - Y) / len(X)
    dW2 = a1.T @ dz2
    db2 = dz2.sum(axis=0, keepdims=True)
    dz1 = (dz2 @ W2.T) * (z1 > 0)
    dW1 = X.T @ dz1
    db1 = dz1.sum(axis=0, keepdims=True)

    W1 -= lr * dW1
    b1 -= lr * db1
    W2 -= lr * dW2
    b2 -= lr * db2
print("final loss", loss)
