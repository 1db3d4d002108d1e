"""Correct: top-level script, weights/biases lists, sigmoid/sigmoid, MSE, ascent form (d = y - a)."""
import numpy as np

np.random.seed(1)
X = np.random.rand(40, 3)
y = (X.sum(axis=1, keepdims=True) > 1.5).astype(float)

weights = [np.random.randn(3, 5) * 0.5, np.random.randn(5, 1) * 0.5]
biases = [np.zeros((1, 5)), np.zeros((1, 1))]
learning_rate = 0.1


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def loss(y_true, y_pred):
    return np.mean((y_true - y_pred) ** 2)


for epoch in range(500):
    z1 = X @ weights[0] + biases[0]
    a1 = sigmoid(z1)
    z2 = a1 @ weights[1] + biases[1]
    a2 = sigmoid(z2)
    err = loss(y, a2)
    d2 = 2 * (y - a2) / y.size * a2 * (1 - a2)
    d1 = d2 @ weights[1].T * a1 * (1 - a1)
    weights[1] += learning_rate * a1.T @ d2
    biases[1] += learning_rate * d2.sum(axis=0, keepdims=True)
    weights[0] += learning_rate * X.T @ d1
    biases[0] += learning_rate * d1.sum(axis=0, keepdims=True)
