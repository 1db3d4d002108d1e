"""Activation and loss helpers shared by the lab's training scripts."""

import numpy as np


def tanh(z):
    return np.tanh(z)


def tanh_grad(z):
    t = np.tanh(z)
    return 1.0 - t


def logistic(z):
    return 1.0 / (1.0 + np.exp(-z))


def binary_cross_entropy(target, prob):
    prob = np.clip(prob, 1e-12, 1 - 1e-12)
    return -np.mean(target * np.log(prob) + (1 - target) * np.log(1 - prob))
