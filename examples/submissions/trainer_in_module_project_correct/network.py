"""A two-layer classifier: sigmoid hidden units, softmax outputs, mean cross-entropy.

fit_network() makes its own weights and trains them with full-batch gradient descent;
experiment.py runs it for several hidden sizes.
"""

import numpy as np


def softmax(scores):
    shifted = np.exp(scores - scores.max(axis=1, keepdims=True))
    return shifted / shifted.sum(axis=1, keepdims=True)


def cross_entropy(params, points, labels):
    """Mean negative log-likelihood of the labels under the network's class probabilities."""
    hidden = 1.0 / (1.0 + np.exp(-(points @ params["W_in"] + params["b_in"])))
    probs = softmax(hidden @ params["W_o"] + params["b_o"])
    return -np.mean(np.log(probs[np.arange(len(labels)), labels]))


def fit_network(points, labels, n_hidden, epochs=3000, rate=0.1, verbose=False):
    n_in = points.shape[1]
    n_out = int(labels.max()) + 1
    W_hid = np.random.randn(n_in, n_hidden) * 0.5
    b_hid = np.zeros((1, n_hidden))
    W_out = np.random.randn(n_hidden, n_out) * 0.5
    b_out = np.zeros((1, n_out))
    params = {"W_in": W_hid, "b_in": b_hid, "W_o": W_out, "b_o": b_out}

    for epoch in range(epochs):
        hidden = 1.0 / (1.0 + np.exp(-(points @ W_hid + b_hid)))
        probs = softmax(hidden @ W_out + b_out)

        delta = probs.copy()
        delta[np.arange(len(labels)), labels] -= 1
        delta /= len(labels)
        g_W_out = hidden.T @ delta
        g_b_out = delta.sum(axis=0, keepdims=True)
        delta_h = (delta @ W_out.T) * hidden * (1 - hidden)
        g_W_hid = points.T @ delta_h
        g_b_hid = delta_h.sum(axis=0, keepdims=True)

        W_hid = W_hid - rate * g_W_hid
        b_hid = b_hid - rate * g_b_hid
        W_out = W_out - rate * g_W_out
        b_out = b_out - rate * g_b_out

        params = {"W_in": W_hid, "b_in": b_hid, "W_o": W_out, "b_o": b_out}
        if verbose and epoch % 500 == 0:
            print(epoch, cross_entropy(params, points, labels))
    return params
