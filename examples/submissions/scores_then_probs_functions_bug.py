"""Functions only: the forward returns scores, the caller makes probabilities, backward is handed them.

Bug: the cross-entropy gradient is never divided by the number of samples (the loss is a mean).
"""
import numpy as np


def make_params(n_in, n_hidden, n_classes):
    return {
        "W1": 0.5 * np.random.randn(n_in, n_hidden),
        "b1": np.zeros(n_hidden),
        "W2": 0.5 * np.random.randn(n_hidden, n_classes),
        "b2": np.zeros(n_classes),
    }


def net_forward(params, X):
    h = np.tanh(X @ params["W1"] + params["b1"])
    logits = h @ params["W2"] + params["b2"]
    return h, logits


def softmax(logits):
    e = np.exp(logits - logits.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def nll(probs, labels):
    return -np.mean(np.log(probs[np.arange(len(labels)), labels]))


def net_backward(params, X, labels, h, probs):
    d_logits = probs.copy()
    d_logits[np.arange(len(labels)), labels] -= 1
    grads = {"W2": h.T @ d_logits, "b2": d_logits.sum(axis=0)}
    d_h = d_logits @ params["W2"].T * (1 - h**2)
    grads["W1"] = X.T @ d_h
    grads["b1"] = d_h.sum(axis=0)
    return grads
