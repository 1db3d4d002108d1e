import numpy as np


def ce_softmax_grad(y_hat, y):
    return y_hat - y


class Network:
    def __init__(self, layers):
        self.layers = layers

    def forward(self, x):
        for layer in self.layers:
            x = layer.forward(x)
        return x

    def backpropagation(self, y_hat, y, learning_rate=0.01):
        grad = ce_softmax_grad(y_hat, y)
        for i in range(len(self.layers) - 1, -1, -1):
            grad = self.layers[i].backprop(grad, learning_rate)
