"""Layer objects added to a network, a softmax layer with its own Jacobian, and a cross-entropy object whose
forward and backward take keyword arguments (true_values=..., predicted_values=...)."""
import numpy as np


class Linear:
    def __init__(self, fan_in, fan_out):
        self.weights = np.random.randn(fan_in, fan_out) * np.sqrt(2.0 / fan_in)
        self.biases = np.zeros((1, fan_out))

    def forward(self, inputs):
        self.inputs = inputs
        return inputs @ self.weights + self.biases

    def backward(self, gradients, learning_rate):
        upstream = gradients @ self.weights.T
        self.weights -= learning_rate * self.inputs.T @ gradients
        self.biases -= learning_rate * gradients.sum(axis=0, keepdims=True)
        return upstream


class Rectifier:
    def forward(self, inputs):
        self.mask = inputs > 0
        return inputs * self.mask

    def backward(self, gradients, learning_rate):
        return gradients * self.mask


class SoftmaxLayer:
    def forward(self, inputs):
        e = np.exp(inputs - inputs.max(axis=1, keepdims=True))
        self.probs = e / e.sum(axis=1, keepdims=True)
        return self.probs

    def backward(self, gradients, learning_rate):
        dot = np.sum(gradients * self.probs, axis=1, keepdims=True)
        return self.probs * (gradients - dot)


class CrossEntropy:
    def forward(self, true_values, predicted_values):
        return -np.mean(np.sum(true_values * np.log(predicted_values), axis=1))

    def backward(self, true_values, predicted_values):
        return -true_values / predicted_values / len(true_values)


class Network:
    def __init__(self):
        self.layers = []
        self.loss_function = CrossEntropy()

    def add(self, layer):
        self.layers.append(layer)

    def forward(self, inputs):
        for layer in self.layers:
            inputs = layer.forward(inputs)
        return inputs

    def backward(self, gradients, learning_rate):
        for layer in reversed(self.layers):
            gradients = layer.backward(gradients, learning_rate)

    def train(self, X, Y, epochs=20, learning_rate=0.05, batch_size=8):
        for _ in range(epochs):
            for start in range(0, len(X), batch_size):
                xb, yb = X[start : start + batch_size], Y[start : start + batch_size]
                output = self.forward(xb)
                loss = self.loss_function.forward(true_values=yb, predicted_values=output)
                grads = self.loss_function.backward(true_values=yb, predicted_values=output)
                self.backward(grads, learning_rate)
        return loss


net = Network()
net.add(Linear(4, 6))
net.add(Rectifier())
net.add(Linear(6, 3))
net.add(SoftmaxLayer())

rng = np.random.default_rng(1)
features = rng.normal(size=(40, 4))
classes = np.eye(3)[rng.integers(0, 3, 40)]
net.train(features, classes)
