import numpy as np


class Model:
    def __init__(self):
        self.layers = []

    def add(self, layer):
        self.layers.append(layer)

    def forward(self, x):
        for layer in self.layers:
            layer.forward(x)
            x = layer.output
        return x

    def backward(self, out, y):
        grad = 2 * (out - y) / out.size
        for layer in reversed(self.layers):
            layer.backward(grad)
            grad = layer.dinputs

    def train(self, x, y, epochs=100, rate=0.1):
        for _ in range(epochs):
            out = self.forward(x)
            self.backward(out, y)
            for layer in self.layers:
                if hasattr(layer, "weights"):
                    layer.weights -= rate * layer.dweights
                    layer.biases -= rate * layer.dbiases
