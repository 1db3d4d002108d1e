import numpy as np

from activations import relu, relu_grad


class Linear:
    def __init__(self, in_features, out_features, rng):
        self.weight = rng.normal(0.0, np.sqrt(2.0 / in_features), size=(in_features, out_features))
        self.bias = np.zeros(out_features)
        self.grad_weight = None
        self.grad_bias = None

    def forward(self, x):
        self.x = x
        return x @ self.weight + self.bias

    def backward(self, grad_out):
        self.grad_weight = self.x.T @ grad_out
        self.grad_bias = grad_out.sum(axis=0)
        return grad_out @ self.weight.T


class ReLU:
    def forward(self, x):
        self.x = x
        return relu(x)

    def backward(self, grad_out):
        return grad_out * relu_grad(self.x)
