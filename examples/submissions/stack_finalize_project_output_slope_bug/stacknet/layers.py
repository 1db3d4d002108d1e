"""Layers of a small stack library: each keeps what its backward needs and stores its gradients."""

import numpy as np


class Input:
    def forward(self, inputs, training):
        self.output = inputs


class Dense:
    def __init__(self, n_inputs, n_neurons, weight_l2=0.0):
        self.weights = 0.1 * np.random.randn(n_inputs, n_neurons)
        self.biases = np.zeros((1, n_neurons))
        self.weight_l2 = weight_l2

    def forward(self, inputs, training):
        self.inputs = inputs
        self.output = inputs @ self.weights + self.biases

    def backward(self, dvalues):
        self.dweights = self.inputs.T @ dvalues + 2 * self.weight_l2 * self.weights
        self.dbiases = np.sum(dvalues, axis=0, keepdims=True)
        self.dinputs = dvalues @ self.weights.T


class Tanh:
    def forward(self, inputs, training):
        self.output = np.tanh(inputs)

    def backward(self, dvalues):
        self.dinputs = dvalues * (1 - self.output**2)


class Sigmoid:
    def forward(self, inputs, training):
        self.output = 1 / (1 + np.exp(-inputs))

    def backward(self, dvalues):
        self.dinputs = dvalues * (1 - self.output)
