"""Correct: functions read params["W1"]... from a dict nothing in the file creates (the course's notebook does); tanh, tanh, identity; MSE averaged over every entry."""
import numpy as np


def forward(X, params):
    a1 = np.tanh(X @ params["W1"] + params["b1"])
    a2 = np.tanh(a1 @ params["W2"] + params["b2"])
    out = a2 @ params["W3"] + params["b3"]
    return out, (X, a1, a2)


def backward(params, cache, out, Y):
    X, a1, a2 = cache
    d_out = 2.0 * (out - Y) / Y.size
    grads = {"W3": a2.T @ d_out, "b3": d_out.sum(axis=0)}
    d2 = (d_out @ params["W3"].T) * (1 - a2 ** 2)
    grads["W2"], grads["b2"] = a1.T @ d2, d2.sum(axis=0)
    d1 = (d2 @ params["W2"].T) * (1 - a1 ** 2)
    grads["W1"], grads["b1"] = X.T @ d1, d1.sum(axis=0)
    return grads
