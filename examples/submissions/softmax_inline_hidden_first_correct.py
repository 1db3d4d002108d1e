"""Correct: module functions, tanh hidden, an inline softmax in forward(), which returns (H, P): hidden first, probabilities second; gradients(X, y, W1, b1, W2, b2) indexes P[np.arange(n), y] with integer labels made only under __main__."""

import numpy as np


def init_params(n_in, n_hidden, n_classes, seed=0):
    rng = np.random.default_rng(seed)
    W1 = rng.normal(0, 0.5, (n_in, n_hidden))
    b1 = np.zeros(n_hidden)
    W2 = rng.normal(0, 0.5, (n_hidden, n_classes))
    b2 = np.zeros(n_classes)
    return W1, b1, W2, b2


def forward(X, W1, b1, W2, b2):
    H = np.tanh(X @ W1 + b1)
    logits = H @ W2 + b2
    logits -= logits.max(axis=1, keepdims=True)
    E = np.exp(logits)
    P = E / E.sum(axis=1, keepdims=True)
    return H, P


def loss(X, y, W1, b1, W2, b2):
    _, P = forward(X, W1, b1, W2, b2)
    return -np.mean(np.log(P[np.arange(len(y)), y]))


def gradients(X, y, W1, b1, W2, b2):
    H, P = forward(X, W1, b1, W2, b2)
    n = len(y)
    D = P.copy()
    D[np.arange(n), y] -= 1
    D /= n
    dW2 = H.T @ D
    db2 = D.sum(axis=0)
    dH = D @ W2.T * (1 - H**2)
    dW1 = X.T @ dH
    db1 = dH.sum(axis=0)
    return dW1, db1, dW2, db2


if __name__ == "__main__":
    rng = np.random.default_rng(3)
    X = rng.normal(size=(150, 4))
    y = rng.integers(0, 3, 150)
    params = list(init_params(4, 8, 3))
    for step in range(200):
        grads = gradients(X, y, *params)
        params = [p - 0.1 * g for p, g in zip(params, grads)]
    print(loss(X, y, *params))
