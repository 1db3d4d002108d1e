"""Activations and losses with their derivatives. bce_d is written as yhat - y, the derivative at the output's
pre-activation, while the output layer still multiplies by sigmoid's derivative."""

import numpy as np


def tanh(x):
    return np.tanh(x)


def tanh_d(x):
    return 1 - np.tanh(x) ** 2


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def sigmoid_d(x):
    s = sigmoid(x)
    return s * (1 - s)


def half_sse(y_true, y_pred):
    return 0.5 * np.sum((y_true - y_pred) ** 2)


def half_sse_d(y_true, y_pred):
    return y_pred - y_true


def bce(y_true, y_pred):
    return -np.sum(y_true * np.log(y_pred) + (1 - y_true) * np.log(1 - y_pred))


def bce_d(y_true, y_pred):
    return y_pred - y_true
