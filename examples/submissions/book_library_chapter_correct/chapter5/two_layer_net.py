"""Chapter 5 exercise: a two-layer net built from the book's blocks, with backpropagation."""

import sys
from collections import OrderedDict

import numpy as np

sys.path.append("/home/me/book")  # where the shared folder lives on my laptop
from shared.blocks import Dense, Rectifier, SoftmaxCrossEntropy  # noqa: E402


class TwoLayerNet:
    def __init__(self, input_size, hidden_size, output_size, weight_init_std=0.01):
        self.params = {
            "W1": weight_init_std * np.random.randn(input_size, hidden_size),
            "b1": np.zeros(hidden_size),
            "W2": weight_init_std * np.random.randn(hidden_size, output_size),
            "b2": np.zeros(output_size),
        }
        self.layers = OrderedDict()
        self.layers["Dense1"] = Dense(self.params["W1"], self.params["b1"])
        self.layers["Relu1"] = Rectifier()
        self.layers["Dense2"] = Dense(self.params["W2"], self.params["b2"])
        self.last_layer = SoftmaxCrossEntropy()

    def predict(self, x):
        for layer in self.layers.values():
            x = layer.forward(x)
        return x

    def loss(self, x, t):
        return self.last_layer.forward(self.predict(x), t)

    def gradient(self, x, t):
        self.loss(x, t)
        dout = self.last_layer.backward(1)
        for layer in reversed(list(self.layers.values())):
            dout = layer.backward(dout)
        return {
            "W1": self.layers["Dense1"].dW,
            "b1": self.layers["Dense1"].db,
            "W2": self.layers["Dense2"].dW,
            "b2": self.layers["Dense2"].db,
        }
