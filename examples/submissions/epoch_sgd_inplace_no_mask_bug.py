"""Homework 0, part 5: one epoch of mini-batch SGD for a two-layer ReLU network without biases.

The logits are relu(X @ W1) @ W2 and the loss is the softmax (cross-entropy) loss averaged over
each mini-batch. nn_epoch() updates W1 and W2 in place and returns nothing.
"""

import numpy as np


def softmax_loss(Z, y):
    """Average softmax loss of logits Z (batch x classes) for integer labels y."""
    shifted = Z - Z.max(axis=1, keepdims=True)
    log_norm = np.log(np.exp(shifted).sum(axis=1))
    return float(np.mean(log_norm - shifted[np.arange(len(y)), y]))


def nn_epoch(X, y, W1, W2, lr=0.1, batch=100):
    classes = W2.shape[1]
    for first in range(0, X.shape[0], batch):
        xb = X[first : first + batch]
        yb = y[first : first + batch]
        hidden = np.maximum(xb @ W1, 0)
        logits = hidden @ W2
        probs = np.exp(logits - logits.max(axis=1, keepdims=True))
        probs /= probs.sum(axis=1, keepdims=True)
        targets = np.eye(classes)[yb]
        g_out = (probs - targets) / xb.shape[0]
        g_hidden = g_out @ W2.T
        W1 -= lr * (xb.T @ g_hidden)
        W2 -= lr * (hidden.T @ g_out)


def train_nn(X_tr, y_tr, hidden_dim=500, epochs=10, lr=0.5, batch=100):
    rng = np.random.default_rng(0)
    W1 = rng.standard_normal((X_tr.shape[1], hidden_dim)).astype(np.float32) / np.sqrt(hidden_dim)
    W2 = rng.standard_normal((hidden_dim, int(y_tr.max()) + 1)).astype(np.float32) / np.sqrt(hidden_dim)
    for epoch in range(epochs):
        nn_epoch(X_tr, y_tr, W1, W2, lr=lr, batch=batch)
        print(epoch, softmax_loss(np.maximum(X_tr @ W1, 0) @ W2, y_tr))
    return W1, W2
