"""Activation helpers handed out with the assignment: each returns its value and what backward needs."""
import numpy as np


def sigmoid(Z):
    return 1.0 / (1.0 + np.exp(-Z)), Z


def relu(Z):
    return np.maximum(Z, 0.0), Z


def sigmoid_backward(dA, Z):
    s = 1.0 / (1.0 + np.exp(-Z))
    return dA * s * (1.0 - s)


def relu_backward(dA, Z):
    return dA * (Z > 0)
