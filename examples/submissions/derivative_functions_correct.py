"""Correct: one derivative function per parameter (derivative_w2(Z, T, Y) ...), forward(X, W1, b1, W2, b2) -> (Y, Z); softmax output, the log-likelihood maximized by gradient ascent (cost = sum T log Y), so every derivative is the ascent direction."""
import numpy as np


def forward(X, W1, b1, W2, b2):
    Z = np.tanh(X.dot(W1) + b1)
    A = Z.dot(W2) + b2
    expA = np.exp(A - A.max(axis=1, keepdims=True))
    Y = expA / expA.sum(axis=1, keepdims=True)
    return Y, Z


def cost(T, Y):
    return (T * np.log(Y)).sum()


def derivative_w2(Z, T, Y):
    return Z.T.dot(T - Y)


def derivative_b2(T, Y):
    return (T - Y).sum(axis=0)


def derivative_w1(X, Z, T, Y, W2):
    return X.T.dot((T - Y).dot(W2.T) * (1 - Z * Z))


def derivative_b1(T, Y, W2, Z):
    return ((T - Y).dot(W2.T) * (1 - Z * Z)).sum(axis=0)
