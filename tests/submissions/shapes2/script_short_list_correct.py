"""Correct: top-level script over W[i], b[i] lists, descent form W[1] -= alpha * (h.T @ d_out), ReLU, 0.5 * mean squared error."""
import numpy as np

np.random.seed(0)
X = np.random.randn(30, 2)
Y = np.tanh(X[:, :1] - X[:, 1:])
W = [np.random.randn(2, 7) * 0.4, np.random.randn(7, 1) * 0.4]
b = [np.zeros((1, 7)), np.zeros((1, 1))]
alpha = 0.05
for it in range(100):
    h = np.maximum(0, X @ W[0] + b[0])
    out = h @ W[1] + b[1]
    cost = 0.5 * np.mean(np.sum((out - Y) ** 2, axis=1))
    d_out = (out - Y) / X.shape[0]
    d_h = (d_out @ W[1].T) * (h > 0)
    W[1] -= alpha * (h.T @ d_out)
    b[1] -= alpha * d_out.sum(axis=0, keepdims=True)
    W[0] -= alpha * (X.T @ d_h)
    b[0] -= alpha * d_h.sum(axis=0, keepdims=True)
