"""nn_epoch for a two-layer ReLU classifier without biases, with no local named for the network's output.

The probabilities are P, turned into the output gradient in place (P[rows, labels] -= 1), and the
loop runs over whole mini-batches only (range(m // batch)).
"""

import numpy as np


def softmax_loss(Z, y):
    """Mean softmax cross-entropy of logits Z for integer labels y."""
    return np.mean(np.log(np.sum(np.exp(Z), axis=1)) - Z[np.arange(Z.shape[0]), y])


def nn_epoch(X, y, W1, W2, lr=0.1, batch=100):
    m = X.shape[0]
    for i in range(m // batch):
        xb = X[i * batch : (i + 1) * batch]
        yb = y[i * batch : (i + 1) * batch]
        A = np.maximum(xb @ W1, 0)
        E = np.exp(A @ W2)
        P = E / E.sum(axis=1, keepdims=True)
        P[np.arange(batch), yb] -= 1
        dA = (A > 0) * (P @ W2.T)
        W1 -= lr * xb.T @ dA / batch
        W2 -= lr * A.T @ P / batch
