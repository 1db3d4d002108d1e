"""Only a backward function: the forward is in another file not handed in."""
import numpy as np


def backward_pass(X, Y, A1, A2, W2):
    m = X.shape[0]
    dZ2 = A2 - Y
    dW2 = A1.T @ dZ2 / m
    db2 = dZ2.sum(axis=0, keepdims=True) / m
    dZ1 = dZ2 @ W2.T * (1 - A1 ** 2)
    dW1 = X.T @ dZ1 / m
    db1 = dZ1.sum(axis=0, keepdims=True) / m
    return dW1, db1, dW2, db2
