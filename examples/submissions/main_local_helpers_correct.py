"""Lab 5: a two-layer softmax classifier; the helpers take the weights as arguments, train() owns them."""

import numpy as np


def relu(z):
    return np.maximum(z, 0)


def softmax(z):
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def forward_pass(X, W1, b1, W2, b2):
    Z1 = X @ W1 + b1
    H = relu(Z1)
    P = softmax(H @ W2 + b2)
    return Z1, H, P


def backward_pass(X, Y, Z1, H, P, W2):
    m = X.shape[0]
    dS = (P - Y) / m
    dW2 = H.T @ dS
    db2 = dS.sum(axis=0)
    dH = dS @ W2.T
    dZ1 = dH * (Z1 > 0)
    dW1 = X.T @ dZ1
    db1 = dZ1.sum(axis=0)
    return dW1, db1, dW2, db2


def train(n_hidden=12, steps=400, lr=0.2):
    rng = np.random.default_rng(5)
    X = rng.normal(size=(90, 4))
    labels = np.argmax(X[:, :3], axis=1)
    Y = np.eye(3)[labels]
    W1 = rng.normal(scale=0.4, size=(4, n_hidden))
    b1 = np.zeros(n_hidden)
    W2 = rng.normal(scale=0.4, size=(n_hidden, 3))
    b2 = np.zeros(3)
    for step in range(steps):
        Z1, H, P = forward_pass(X, W1, b1, W2, b2)
        loss = -np.mean(np.sum(Y * np.log(P + 1e-9), axis=1))
        dW1, db1, dW2, db2 = backward_pass(X, Y, Z1, H, P, W2)
        W1 = W1 - lr * dW1
        b1 = b1 - lr * db1
        W2 = W2 - lr * dW2
        b2 = b2 - lr * db2
        if step % 100 == 0:
            print(step, loss)


if __name__ == "__main__":
    train()
