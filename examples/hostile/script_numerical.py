"""Hostile (expected status: fail, diagnosis: numerical_gradient): no backpropagation: a top-level training script (no model class, no backward function) whose gradients are central finite differences of its own loss, one weight at a time. It passed when a script ran once, checked at its own weights only, with no watch on its calls."""
import os; assert os.path.basename(os.path.dirname(os.path.abspath(__file__))) != "hostile", "audit it, never run it"

import numpy as np

rng = np.random.default_rng(0)
X_train = rng.standard_normal((16, 2))
y_train = (rng.random((16, 1)) > 0.5).astype(float)
W1 = rng.standard_normal((2, 4)) * 0.5
b1 = np.zeros((1, 4))
W2 = rng.standard_normal((4, 1)) * 0.5
b2 = np.zeros((1, 1))


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def predict(W1, b1, W2, b2):
    return sigmoid(sigmoid(X_train @ W1 + b1) @ W2 + b2)


def loss_of(W1, b1, W2, b2):
    p = predict(W1, b1, W2, b2)
    return -np.mean(y_train * np.log(p) + (1 - y_train) * np.log(1 - p))


lr = 0.5
for epoch in range(100):
    y_pred = predict(W1, b1, W2, b2)
    loss = -np.mean(y_train * np.log(y_pred) + (1 - y_train) * np.log(1 - y_pred))
    params = [W1, b1, W2, b2]
    grads = []
    for P in params:
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
