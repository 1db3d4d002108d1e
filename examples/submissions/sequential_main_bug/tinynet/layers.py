import numpy as np


class Layer:
    def forward(self, inputs):
        raise NotImplementedError

    def backward(self, grad, learning_rate):
        raise NotImplementedError


class Dense(Layer):
    def __init__(self, n_in, n_out):
        self.W = np.random.randn(n_in, n_out) * np.sqrt(1.0 / n_in)
        self.b = np.zeros((1, n_out))

    def forward(self, inputs):
        self.inputs = inputs
        return inputs @ self.W + self.b

    def backward(self, grad, learning_rate):
        grad_in = grad @ self.W.T
        self.W -= learning_rate * (self.inputs.T @ grad)
        self.b -= learning_rate * grad.sum(axis=0, keepdims=True)
        return grad_in


class Tanh(Layer):
    def forward(self, inputs):
        self.out = np.tanh(inputs)
        return self.out

    def backward(self, grad, learning_rate):
        return grad * (1 - self.out ** 2)


class Softmax(Layer):
    def forward(self, inputs):
        e = np.exp(inputs - inputs.max(axis=1, keepdims=True))
        self.out = e / e.sum(axis=1, keepdims=True)
        return self.out

    def backward(self, grad, learning_rate):
        # the cross-entropy's prime already gives dL/dlogits
        return grad
