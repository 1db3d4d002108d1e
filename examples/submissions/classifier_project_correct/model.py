"""Correct: a folder project (activations, layers, model, train) importing each other by plain imports; softmax cross-entropy with one-hot labels cached by loss(x, y_onehot), backward() takes nothing, layers store grad_weight/grad_bias."""

import numpy as np

from activations import softmax
from layers import Linear, ReLU


class MLPClassifier:
    def __init__(self, n_inputs, n_hidden, n_classes, seed=0):
        rng = np.random.default_rng(seed)
        self.layers = [Linear(n_inputs, n_hidden, rng), ReLU(), Linear(n_hidden, n_classes, rng)]

    def forward(self, x):
        for layer in self.layers:
            x = layer.forward(x)
        return x

    def loss(self, x, y_onehot):
        logits = self.forward(x)
        self.probs = softmax(logits)
        self.y_onehot = y_onehot
        return -np.mean(np.sum(y_onehot * np.log(self.probs + 1e-12), axis=1))

    def backward(self):
        n = self.y_onehot.shape[0]
        grad = (self.probs - self.y_onehot) / n
        for layer in reversed(self.layers):
            grad = layer.backward(grad)

    def sgd(self, lr):
        for layer in self.layers:
            if isinstance(layer, Linear):
                layer.weight -= lr * layer.grad_weight
                layer.bias -= lr * layer.grad_bias
