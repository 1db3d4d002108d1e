"""A CS231n-style loss function: mlp_loss(params, X, y, reg) -> (loss, grads); train() makes params itself; dW2 uses the hidden pre-activation instead of a1."""

import numpy as np

TRAIN_FILE = "data/train.csv"


def load(path):
    table = np.genfromtxt(path, delimiter=",", skip_header=1)
    return table[:, :-1], table[:, -1].astype(int)


def mlp_loss(params, X, y, reg=0.0):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    N = X.shape[0]
    a1 = 1.0 / (1.0 + np.exp(-(X @ W1 + b1)))
    scores = a1 @ W2 + b2
    scores = scores - scores.max(axis=1, keepdims=True)
    probs = np.exp(scores) / np.exp(scores).sum(axis=1, keepdims=True)
    loss = -np.log(probs[np.arange(N), y]).mean() + 0.5 * reg * (np.sum(W1 * W1) + np.sum(W2 * W2))

    dscores = probs.copy()
    dscores[np.arange(N), y] -= 1
    dscores /= N
    grads = {}
    grads["W2"] = (X @ W1 + b1).T @ dscores + reg * W2
    grads["b2"] = dscores.sum(axis=0)
    da1 = dscores @ W2.T
    dz1 = da1 * a1 * (1 - a1)
    grads["W1"] = X.T @ dz1 + reg * W1
    grads["b1"] = dz1.sum(axis=0)
    return loss, grads


def predict(params, X):
    a1 = 1.0 / (1.0 + np.exp(-(X @ params["W1"] + params["b1"])))
    return np.argmax(a1 @ params["W2"] + params["b2"], axis=1)


def train(X, y, hidden=8, lr=0.5, reg=1e-4, epochs=100):
    rng = np.random.default_rng(0)
    k = int(y.max()) + 1
    params = {
        "W1": 0.1 * rng.normal(size=(X.shape[1], hidden)),
        "b1": np.zeros(hidden),
        "W2": 0.1 * rng.normal(size=(hidden, k)),
        "b2": np.zeros(k),
    }
    for epoch in range(epochs):
        loss, grads = mlp_loss(params, X, y, reg)
        for name in params:
            params[name] -= lr * grads[name]
    return params


train_X, train_y = load(TRAIN_FILE)
trained = train(train_X, train_y)
