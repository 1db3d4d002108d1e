"""The classic bugs of the newer layers, written into small numpy nets as students write them.

Never imports reference_nets or gradcheck: each function is a complete forward +
hand-written backward in one student's habits, with ``bug`` choosing one of the
mistakes seen in course code.  ``bug=None`` is the correct version.
"""

import numpy as np


def cs231n_softmax(params, X, y, bug=None):
    """ReLU hidden, softmax, integer labels, loss -mean(log p[range(N), y])."""
    N = X.shape[0]
    h = np.maximum(0, X @ params["W1"] + params["b1"])
    scores = h @ params["W2"] + params["b2"]
    scores = scores - scores.max(axis=1, keepdims=True)
    probs = np.exp(scores) / np.exp(scores).sum(axis=1, keepdims=True)
    if bug == "labels-as-onehot":
        dscores = (probs - y.reshape(-1, 1)) / N
    else:
        dscores = probs.copy()
        if bug == "off-by-one":
            dscores[range(N), y - 1] -= 1
        elif bug == "columns-all-rows":
            dscores[:, y] -= 1
        else:
            dscores[range(N), y] -= 1
        if bug != "no-mean":
            dscores /= N
    if bug == "jacobian-again":
        dscores = probs * (dscores - np.sum(dscores * probs, axis=1, keepdims=True))
    if bug == "diagonal-again":
        dscores = dscores * probs * (1 - probs)
    dh = dscores @ params["W2"].T
    dh[h <= 0] = 0
    return {"W1": X.T @ dh, "b1": dh.sum(0), "W2": h.T @ dscores, "b2": dscores.sum(0)}


def leaky_tanh_out(params, X, Y, bug=None, slope=0.1):
    """Leaky ReLU hidden, tanh output, loss 0.5 * sum((out - Y)**2) / N."""
    N = X.shape[0]
    z1 = X @ params["W1"] + params["b1"]
    a1 = np.where(z1 > 0, z1, slope * z1)
    z2 = a1 @ params["W2"] + params["b2"]
    out = np.tanh(z2)
    d_out = (out - Y) / N
    tanh_prime = {
        "tanh-missing": 1.0,
        "tanh-at-activation": 1 - np.tanh(out) ** 2,
        "tanh-at-z": 1 - z2**2,
        "tanh-sigmoid": out * (1 - out),
    }.get(bug, 1 - out**2)
    d_z2 = d_out * tanh_prime
    d_a1 = d_z2 @ params["W2"].T
    leaky_prime = {"slope-dropped": (z1 > 0).astype(float), "leaky-ones": 1.0}.get(bug, np.where(z1 > 0, 1.0, slope))
    d_z1 = d_a1 * leaky_prime
    cached = np.maximum(z1, 0) if bug == "relu-cached" else a1  # the ReLU's output kept for dW2
    return {"W1": X.T @ d_z1, "b1": d_z1.sum(0), "W2": cached.T @ d_z2, "b2": d_z2.sum(0)}


def elu_regression(params, X, Y, bug=None, alpha=0.5):
    """ELU hidden (alpha), identity output, loss mean((yhat - Y)**2) over every entry."""
    z1 = X @ params["W1"] + params["b1"]
    a1 = np.where(z1 > 0, z1, alpha * (np.exp(z1) - 1))
    yhat = a1 @ params["W2"] + params["b2"]
    dy = 2 * (yhat - Y) / Y.size
    if bug == "elu-at-activation":
        elu_prime = np.where(a1 > 0, 1.0, alpha * np.exp(a1))
    elif bug == "elu-alpha-dropped":
        elu_prime = np.where(z1 > 0, 1.0, np.exp(z1))
    elif bug == "elu-output-form-at-z":
        elu_prime = np.where(z1 > 0, 1.0, z1 + alpha)
    elif bug == "elu-is-elu":
        elu_prime = np.where(z1 > 0, 1.0, alpha * (np.exp(z1) - 1))
    else:
        elu_prime = np.where(z1 > 0, 1.0, alpha * np.exp(z1))
    dz1 = (dy @ params["W2"].T) * elu_prime
    return {"W1": X.T @ dz1, "b1": dz1.sum(0), "W2": a1.T @ dy, "b2": dy.sum(0)}


def summed_mse(params, X, Y, bug=None):
    """Sigmoid hidden, identity output, loss np.sum((yhat - Y)**2) (summed over everything)."""
    a1 = 1 / (1 + np.exp(-(X @ params["W1"] + params["b1"])))
    yhat = a1 @ params["W2"] + params["b2"]
    dy = 2 * (yhat - Y)
    if bug == "mean-in-gradient":
        dy = dy / X.shape[0]
    sigmoid_prime = a1 if bug == "sigmoid-prime-is-sigmoid" else a1 * (1 - a1)
    dz1 = (dy @ params["W2"].T) * sigmoid_prime
    return {"W1": X.T @ dz1, "b1": dz1.sum(0), "W2": a1.T @ dy, "b2": dy.sum(0)}


def softmax_mse(params, X, Y, bug=None):
    """tanh hidden, softmax output trained with MSE (mean over every entry)."""
    a1 = np.tanh(X @ params["W1"] + params["b1"])
    z2 = a1 @ params["W2"] + params["b2"]
    e = np.exp(z2 - z2.max(axis=1, keepdims=True))
    p = e / e.sum(axis=1, keepdims=True)
    dp = 2 * (p - Y) / Y.size
    if bug == "softmax-diagonal":
        dz2 = dp * p * (1 - p)
    else:
        dz2 = p * (dp - np.sum(dp * p, axis=1, keepdims=True))
    dz1 = (dz2 @ params["W2"].T) * (1 - a1**2)
    return {"W1": X.T @ dz1, "b1": dz1.sum(0), "W2": a1.T @ dz2, "b2": dz2.sum(0)}


def long_way_bce(params, X, Y, bug=None):
    """Tanh hidden, sigmoid output, BCE backpropagated the long way: dA = dL/dyhat, then the sigmoid's backward."""
    z1 = X @ params["W1"] + params["b1"]
    a1 = np.tanh(z1)
    z2 = a1 @ params["W2"] + params["b2"]
    yhat = 1 / (1 + np.exp(-z2))
    dA = -(Y / yhat - (1 - Y) / (1 - yhat)) / Y.size
    if bug == "sigmoid-backward-on-z":
        dZ2 = dA * z2 * (1 - z2)
    elif bug == "sigmoid-backward-at-activation":
        s = 1 / (1 + np.exp(-yhat))
        dZ2 = dA * s * (1 - s)
    elif bug == "sigmoid-backward-skipped":
        dZ2 = dA
    else:
        s = 1 / (1 + np.exp(-z2))
        dZ2 = dA * s * (1 - s)
    dz1 = (dZ2 @ params["W2"].T) * (1 - a1**2)
    return {"W1": X.T @ dz1, "b1": dz1.sum(0), "W2": a1.T @ dZ2, "b2": dZ2.sum(0)}
