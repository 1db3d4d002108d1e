"""Bug: Nielsen-style lists self.weights[i] (out, in) / self.biases[i] (out,); the bias gradient is taken from the first sample's delta only, never summed over the batch (expected: bias_not_summed)."""
import random

import numpy as np


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def sigmoid_prime(z):
    """Derivative of the sigmoid function."""
    return sigmoid(z) * (1 - sigmoid(z))


class Network(object):

    def __init__(self, sizes=(2, 3, 2)):
        """``sizes`` lists the number of neurons per layer, e.g. [2, 3, 2]."""
        self.num_layers = len(sizes)
        self.sizes = list(sizes)
        self.biases = [np.random.randn(y) for y in sizes[1:]]
        self.weights = [np.random.randn(y, x) for x, y in zip(sizes[:-1], sizes[1:])]

    def feedforward(self, a):
        """Return the output of the network for a batch ``a`` (one sample per row)."""
        for b, w in zip(self.biases, self.weights):
            a = sigmoid(np.dot(a, w.T) + b)
        return a

    def cost(self, X, Y):
        return np.mean((self.feedforward(X) - Y) ** 2)

    def backprop(self, x, y):
        """Return (nabla_b, nabla_w), the gradient of the mean squared error,
        as lists shaped like self.biases and self.weights."""
        nabla_b = [np.zeros(b.shape) for b in self.biases]
        nabla_w = [np.zeros(w.shape) for w in self.weights]
        # feedforward, remembering every z and activation
        activation = x
        activations = [x]
        zs = []
        for b, w in zip(self.biases, self.weights):
            z = np.dot(activation, w.T) + b
            zs.append(z)
            activation = sigmoid(z)
            activations.append(activation)
        # backward pass
        delta = self.cost_derivative(activations[-1], y) * sigmoid_prime(zs[-1])
        nabla_b[-1] = delta[0]
        nabla_w[-1] = np.dot(delta.T, activations[-2])
        for l in range(2, self.num_layers):
            z = zs[-l]
            sp = sigmoid_prime(z)
            delta = np.dot(delta, self.weights[-l + 1]) * sp
            nabla_b[-l] = delta[0]
            nabla_w[-l] = np.dot(delta.T, activations[-l - 1])
        return (nabla_b, nabla_w)

    def cost_derivative(self, output_activations, y):
        """d cost / d output for cost = mean((output - y)^2)."""
        return 2 * (output_activations - y) / y.size

    def update_mini_batch(self, X, Y, eta):
        nabla_b, nabla_w = self.backprop(X, Y)
        self.weights = [w - eta * nw for w, nw in zip(self.weights, nabla_w)]
        self.biases = [b - eta * nb for b, nb in zip(self.biases, nabla_b)]

    def SGD(self, X, Y, epochs, mini_batch_size, eta):
        n = len(X)
        for j in range(epochs):
            idx = list(range(n))
            random.shuffle(idx)
            for k in range(0, n, mini_batch_size):
                batch = idx[k:k + mini_batch_size]
                self.update_mini_batch(X[batch], Y[batch], eta)
            if j % 1000 == 0:
                print("Epoch {0}: cost {1:.4f}".format(j, self.cost(X, Y)))


# XOR with one-hot targets: [1, 0] = false, [0, 1] = true
X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
Y = np.array([[1, 0], [0, 1], [0, 1], [1, 0]], dtype=float)
net = Network([2, 3, 2])
net.SGD(X, Y, epochs=10000, mini_batch_size=4, eta=3.0)
print(net.feedforward(X))
