"""XOR-like gates learned by a 2-4-1 network, samples as columns.

The inputs are stored one sample per column, X of shape (2, N), while the
targets are a flat vector of N labels. Tanh hidden layer, sigmoid output,
binary cross-entropy averaged over the samples.
(The hidden derivative is taken at the activation H, not at W1 @ X + b1.)
"""

import numpy as np

X = np.array([[0.0, 0.0, 1.0, 1.0, 0.5, 0.2], [0.0, 1.0, 0.0, 1.0, 0.3, 0.9]])
labels = np.array([0.0, 1.0, 1.0, 0.0, 1.0, 0.0])
m = X.shape[1]

rng = np.random.default_rng(7)
W1 = rng.normal(0.0, 0.8, (4, 2))
b1 = np.zeros((4, 1))
W2 = rng.normal(0.0, 0.8, (1, 4))
b2 = np.zeros((1, 1))

for it in range(2000):
    H = np.tanh(W1 @ X + b1)
    P = 1.0 / (1.0 + np.exp(-(W2 @ H + b2)))
    cost = -np.mean(labels * np.log(P) + (1 - labels) * np.log(1 - P))

    dZ2 = (P - labels) / m
    dW2 = dZ2 @ H.T
    db2 = dZ2.sum(axis=1, keepdims=True)
    dZ1 = (W2.T @ dZ2) * (1 - np.tanh(H) ** 2)
    dW1 = dZ1 @ X.T
    db1 = dZ1.sum(axis=1, keepdims=True)

    W1 -= 0.5 * dW1
    b1 -= 0.5 * db1
    W2 -= 0.5 * dW2
    b2 -= 0.5 * db2

print("cost", cost)
