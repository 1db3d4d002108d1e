"""Correct: an initializer whose size arguments are named like data (initialize_weights(input, hidden, output,
seed)), rows as samples, sigmoid hidden and output, mean BCE; the script reads its data from a CSV file."""
import numpy as np


def initialize_weights(input, hidden, output, seed=0):
    rng = np.random.default_rng(seed)
    W1 = rng.normal(0, 1 / np.sqrt(input), (input, hidden))
    b1 = np.zeros(hidden)
    W2 = rng.normal(0, 1 / np.sqrt(hidden), (hidden, output))
    b2 = np.zeros(output)
    return {"W1": W1, "b1": b1, "W2": W2, "b2": b2}


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def forward(X, weights):
    z1 = X @ weights["W1"] + weights["b1"]
    a1 = sigmoid(z1)
    z2 = a1 @ weights["W2"] + weights["b2"]
    return z1, a1, z2, sigmoid(z2)


def bce(y, a2):
    return -np.mean(y * np.log(a2) + (1 - y) * np.log(1 - a2))


def backward(X, y, weights, z1, a1, z2, a2):
    n = X.shape[0]
    d2 = (a2 - y) / n
    d1 = (d2 @ weights["W2"].T) * a1 * (1 - a1)
    return {"W1": X.T @ d1, "b1": d1.sum(axis=0), "W2": a1.T @ d2, "b2": d2.sum(axis=0)}


if __name__ == "__main__":
    data = np.loadtxt("circles.csv", delimiter=",")
    X, y = data[:, :-1], data[:, -1:]
    weights = initialize_weights(X.shape[1], 8, 1, 42)
    for epoch in range(1000):
        z1, a1, z2, a2 = forward(X, weights)
        grads = backward(X, y, weights, z1, a1, z2, a2)
        for k in weights:
            weights[k] -= 0.5 * grads[k]
        if epoch % 100 == 0:
            print(epoch, bce(y, a2))
