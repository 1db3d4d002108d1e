"""Correct: parameters passed one by one, no initializer (the notebook made them): forward_prop(W1, b1, W2, b2, X) -> (Z1, A1, Z2, A2), backward_prop(Z1, A1, Z2, A2, W1, W2, X, Y); samples as columns, sigmoid hidden, softmax with one-hot Y (K, m)."""
import numpy as np


def sigmoid(Z):
    return 1 / (1 + np.exp(-Z))


def softmax(Z):
    e = np.exp(Z - Z.max(axis=0, keepdims=True))
    return e / e.sum(axis=0, keepdims=True)


def forward_prop(W1, b1, W2, b2, X):
    Z1 = W1 @ X + b1
    A1 = sigmoid(Z1)
    Z2 = W2 @ A1 + b2
    A2 = softmax(Z2)
    return Z1, A1, Z2, A2


def backward_prop(Z1, A1, Z2, A2, W1, W2, X, Y):
    m = X.shape[1]
    dZ2 = A2 - Y
    dW2 = dZ2 @ A1.T / m
    db2 = dZ2.sum(axis=1, keepdims=True) / m
    dZ1 = (W2.T @ dZ2) * A1 * (1 - A1)
    dW1 = dZ1 @ X.T / m
    db1 = dZ1.sum(axis=1, keepdims=True) / m
    return dW1, db1, dW2, db2


def cost(A2, Y):
    return -np.sum(Y * np.log(A2)) / Y.shape[1]
