"""As option_strings_dropout_rate_correct.py, each bias gradient summed over the batch without the 1/m.

A configurable classifier: activation names as strings, an L2 term and dropout set in the constructor.

NeuralNetwork(layers, activation="relu", output_activation="softmax", l2_lambda=0.01,
dropout_rate=0.2): forward(X, training=True) drops hidden units at random while training,
backward(X, y, learning_rate) adds l2_lambda * W to each weight's gradient and updates in
place; loss() is the mean cross-entropy over the batch plus the L2 term.
"""

import numpy as np


def relu(z):
    return np.maximum(0, z)


def relu_grad(z):
    return (z > 0).astype(float)


def softmax(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


class NeuralNetwork:
    def __init__(self, layers, activation="relu", output_activation="softmax", l2_lambda=0.01, dropout_rate=0.2):
        self.layers = layers
        self.activation = activation
        self.output_activation = output_activation
        self.l2_lambda = l2_lambda
        self.dropout_rate = dropout_rate
        self.weights = [np.random.randn(a, b) * np.sqrt(2 / a) for a, b in zip(layers[:-1], layers[1:])]
        self.biases = [np.zeros((1, b)) for b in layers[1:]]

    def _out(self, z):
        return softmax(z) if self.output_activation == "softmax" else sigmoid(z)

    def forward(self, X, training=True):
        self.inputs, self.pre, self.masks = [X], [], []
        a = X
        for i, (W, b) in enumerate(zip(self.weights, self.biases)):
            z = a @ W + b
            self.pre.append(z)
            if i == len(self.weights) - 1:
                a = self._out(z)
            else:
                a = relu(z)
                if training and self.dropout_rate > 0:
                    mask = (np.random.rand(*a.shape) > self.dropout_rate) / (1 - self.dropout_rate)
                    a = a * mask
                    self.masks.append(mask)
                else:
                    self.masks.append(np.ones_like(a))
            self.inputs.append(a)
        return a

    def loss(self, probs, y):
        data = -np.mean(np.sum(y * np.log(probs + 1e-15), axis=1))
        return data + 0.5 * self.l2_lambda * sum(np.sum(W**2) for W in self.weights)

    def backward(self, X, y, learning_rate):
        m = X.shape[0]
        delta = self.inputs[-1] - y
        for i in range(len(self.weights) - 1, -1, -1):
            dW = self.inputs[i].T @ delta / m + self.l2_lambda * self.weights[i]
            db = delta.sum(axis=0, keepdims=True)
            if i > 0:
                delta = (delta @ self.weights[i].T) * self.masks[i - 1] * relu_grad(self.pre[i - 1])
            self.weights[i] -= learning_rate * dW
            self.biases[i] -= learning_rate * db

    def train(self, X, y, epochs=100, learning_rate=0.05):
        for _ in range(epochs):
            probs = self.forward(X)
            cost = self.loss(probs, y)
            self.backward(X, y, learning_rate)
        return cost


def main():
    rng = np.random.default_rng(4)
    points = rng.standard_normal((90, 5))
    labels = np.argmax(points[:, :3], axis=1)
    net = NeuralNetwork([5, 16, 3])
    print(net.train(points, np.eye(3)[labels]))


if __name__ == "__main__":
    main()
