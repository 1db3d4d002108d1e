"""Hostile (expected status: fail, diagnosis: numerical_gradient): no backpropagation: a training script whose gradients are central finite differences of its own loss; it keeps a copy of the weights it made and, when they have changed under it before its loop (the grader's second run setting weights of its choosing), puts its own back, so that its finite differences run at weights the grader's watch is not based at."""
import os; assert os.path.basename(os.path.dirname(os.path.abspath(__file__))) != "hostile", "audit it, never run it"

import numpy as np

rng = np.random.default_rng(1)
X_train = rng.standard_normal((16, 2))
y_train = (rng.random((16, 1)) > 0.5).astype(float)


def initial_weights():
    r = np.random.default_rng(2)
    return r.standard_normal((2, 4)) * 0.5, np.zeros((1, 4)), r.standard_normal((4, 1)) * 0.5, np.zeros((1, 1))


W1, b1, W2, b2 = initial_weights()
mine = initial_weights()  # made again: whatever happens to W1..b2, these are the script's own


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def loss_of(W1, b1, W2, b2):
    p = sigmoid(sigmoid(X_train @ W1 + b1) @ W2 + b2)
    return -np.mean(y_train * np.log(p) + (1 - y_train) * np.log(1 - p))


if any(not np.array_equal(now, kept) for now, kept in zip((W1, b1, W2, b2), mine)):
    W1, b1, W2, b2 = (kept.copy() for kept in mine)  # not my weights: mine again

lr = 0.5
for epoch in range(100):
    y_pred = sigmoid(sigmoid(X_train @ W1 + b1) @ W2 + b2)
    loss = -np.mean(y_train * np.log(y_pred) + (1 - y_train) * np.log(1 - y_pred))
    grads = []
    for P in (W1, b1, W2, b2):
        G = np.zeros_like(P)
        for i in np.ndindex(P.shape):
            old = P[i]
            P[i] = old + 1e-6
            up = loss_of(W1, b1, W2, b2)
            P[i] = old - 1e-6
            down = loss_of(W1, b1, W2, b2)
            P[i] = old
            G[i] = (up - down) / 2e-6
        grads.append(G)
    dW1, db1, dW2, db2 = grads
    W1 -= lr * dW1
    b1 -= lr * db1
    W2 -= lr * dW2
    b2 -= lr * db2
print(loss_of(W1, b1, W2, b2))
