import numpy as np

from activations import Sigmoid, Tanh
from layers import Dense


class Network:
    def __init__(self, sizes=(2, 6, 1), seed=0):
        rng = np.random.default_rng(seed)
        self.layers = []
        for i, (a, b) in enumerate(zip(sizes[:-1], sizes[1:])):
            self.layers.append(Dense(a, b, rng))
            self.layers.append(Sigmoid() if i == len(sizes) - 2 else Tanh())

    def forward(self, x):
        for layer in self.layers:
            x = layer.forward(x)
        return x

    def backward(self, grad):
        for layer in reversed(self.layers):
            grad = layer.backward(grad)
