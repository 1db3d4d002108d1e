"""A regression MLP built as a list of small layer objects, trained by module functions:
forward_propagate stores each layer's output, backward_propagate stores each layer's delta,
update_weights applies them. Mean squared error over the batch."""

import numpy as np


class DenseLayer:
    def __init__(self, n_inputs, n_neurons, activation):
        self.weights = np.random.uniform(-0.8, 0.8, (n_inputs, n_neurons))
        self.biases = np.random.uniform(-0.1, 0.1, (1, n_neurons))
        self.activation = activation
        self.z = None
        self.output = None
        self.delta = None


def initialize_network(layer_sizes):
    network = []
    for i in range(1, len(layer_sizes)):
        last = i == len(layer_sizes) - 1
        network.append(DenseLayer(layer_sizes[i - 1], layer_sizes[i], "linear" if last else "relu"))
    return network


def forward_propagate(network, inputs):
    for layer in network:
        layer.z = inputs @ layer.weights + layer.biases
        layer.output = layer.z if layer.activation == "linear" else np.maximum(layer.z, 0)
        inputs = layer.output
    return inputs


def mse(predicted, target):
    return np.mean((predicted - target) ** 2)


def backward_propagate(network, target):
    out = network[-1]
    out.delta = 2 * (out.output - target) / target.size
    for i in range(len(network) - 2, -1, -1):
        layer, after = network[i], network[i + 1]
        layer.delta = (after.delta @ after.weights.T) * layer.output


def update_weights(network, inputs, learning_rate):
    for layer in network:
        layer.weights -= learning_rate * inputs.T @ layer.delta
        layer.biases -= learning_rate * layer.delta.sum(axis=0, keepdims=True)
        inputs = layer.output


if __name__ == "__main__":
    np.random.seed(11)
    data = np.random.uniform(-1, 1, (120, 3))
    target = np.stack([data[:, 0] * data[:, 1], np.abs(data[:, 2])], axis=1)
    net = initialize_network([3, 8, 6, 2])
    for epoch in range(400):
        predictions = forward_propagate(net, data)
        backward_propagate(net, target)
        update_weights(net, data, 0.05)
        if epoch % 100 == 0:
            print(epoch, mse(predictions, target))
