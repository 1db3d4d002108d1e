"""Mini-batch training where each batch travels as one (inputs, labels) pair (hidden derivative copied from a sigmoid net)."""

import random

import numpy as np


def relu(z):
    return np.maximum(z, 0.0)


def sigmoid_grad(z):
    return sigmoid(z) * (1 - sigmoid(z))


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def bce(labels, probs):
    return -np.mean(labels * np.log(probs) + (1 - labels) * np.log(1 - probs))


class Net:
    def __init__(self):
        self.weights = [np.random.randn(4, 6) * 0.5, np.random.randn(6, 1) * 0.5]
        self.bias = [np.random.randn(6) * 0.1, np.random.randn(1) * 0.1]

    def feedforward(self, inputs):
        hidden = relu(inputs @ self.weights[0] + self.bias[0])
        return sigmoid(hidden @ self.weights[1] + self.bias[1])

    def backprop(self, batch):
        inputs = batch[0]
        labels = batch[1]
        z1 = inputs @ self.weights[0] + self.bias[0]
        h = relu(z1)
        probs = sigmoid(h @ self.weights[1] + self.bias[1])
        delta = (probs - labels) / inputs.shape[0]
        grad_w = [None, h.T @ delta]
        grad_b = [None, delta.sum(axis=0)]
        delta = (delta @ self.weights[1].T) * sigmoid_grad(z1)
        grad_w[0] = inputs.T @ delta
        grad_b[0] = delta.sum(axis=0)
        return grad_w, grad_b

    def train(self, batches, epochs, lr):
        for _ in range(epochs):
            random.shuffle(batches)
            for batch in batches:
                grad_w, grad_b = self.backprop(batch)
                self.weights = [w - lr * g for w, g in zip(self.weights, grad_w)]
                self.bias = [b - lr * g for b, g in zip(self.bias, grad_b)]


if __name__ == "__main__":
    data = []
    for _ in range(5):
        x = np.random.randn(8, 4)
        data.append((x, (x[:, :1] > 0).astype(float)))
    net = Net()
    net.train(data, 20, 0.5)
    print(bce(data[0][1], net.feedforward(data[0][0])))
