import numpy as np


class Dense:
    """y = x W + b; keeps its gradients in self.grad_W / self.grad_b."""

    def __init__(self, n_in, n_out, rng):
        self.W = rng.normal(0.0, 1.0 / np.sqrt(n_in), (n_in, n_out))
        self.b = np.zeros(n_out)

    def forward(self, x):
        self.x = x
        return x @ self.W + self.b

    def backward(self, grad):
        self.grad_W = self.x.T @ grad
        self.grad_b = grad.sum(axis=0)
        return grad @ self.W.T
