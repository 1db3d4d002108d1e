import numpy as np


class Activation:
    def forward(self, z):
        raise NotImplementedError

    def backward(self, grad):
        raise NotImplementedError


class Tanh(Activation):
    def forward(self, z):
        self.out = np.tanh(z)
        return self.out

    def backward(self, grad):
        return grad * (1 - self.out ** 2)


class Softmax(Activation):
    # used together with cross-entropy: the gradient arriving is already dL/dz
    def forward(self, z):
        e = np.exp(z - np.max(z))
        return e / np.sum(e, axis=0)

    def backward(self, grad):
        return grad
