# Homework 4, part 2: inverted dropout on the hidden layer of a small regression net.
import numpy as np

np.random.seed(7)
X = np.random.randn(32, 3)
y = np.sin(X[:, :1]) + 0.1 * X[:, 1:2]

keep = 0.8
W1 = np.random.randn(3, 10) * 0.5
b1 = np.zeros((1, 10))
W2 = np.random.randn(10, 1) * 0.5
b2 = np.zeros((1, 1))
lr = 0.05

for it in range(300):
    h_pre = X @ W1 + b1
    h = np.maximum(h_pre, 0)
    mask = (np.random.rand(*h.shape) < keep) / keep
    h_drop = h * mask
    y_hat = h_drop @ W2 + b2
    loss = np.mean((y_hat - y) ** 2)

    g_out = 2 * (y_hat - y) / len(X)
    dW2 = h_drop.T @ g_out
    db2 = g_out.sum(axis=0, keepdims=True)
    g_h = (g_out @ W2.T) * mask * (h_pre > 0)
    dW1 = X.T @ g_h
    db1 = g_h.sum(axis=0, keepdims=True)

    W1 -= lr * dW1
    b1 -= lr * db1
    W2 -= lr * dW2
    b2 -= lr * db2
print("final loss", loss)
