"""Student (module stack): Parameter(.data, .grad), Linear with weight (out x in), MSELoss module."""
import time
import numpy as np


class Parameter:
    def __init__(self, data):
        self.data = data
        self.grad = np.zeros_like(data)


class NNModule:
    def forward(self, x):
        raise NotImplementedError

    def backward(self, grad):
        raise NotImplementedError

    def parameters(self):
        return []

    def __call__(self, x):
        return self.forward(x)


class Linear(NNModule):
    def __init__(self, in_features, out_features, bias=True):
        self.weight = Parameter(np.random.randn(out_features, in_features) * 0.5)
        self.bias = Parameter(np.random.randn(out_features) * 0.1) if bias else None

    def forward(self, x):
        self.x = x
        return np.dot(x, self.weight.data.T) + self.bias.data

    def backward(self, grad):
        self.weight.grad += grad.T @ self.x
        self.bias.grad += grad.sum(axis=0)
        return grad @ self.weight.data

    def parameters(self):
        return [self.weight, self.bias]


class Sigmoid(NNModule):
    def forward(self, x):
        self.output = 1 / (1 + np.exp(-x))
        return self.output

    def backward(self, grad):
        return grad * self.output * (1 - self.output)


class MLP(NNModule):
    def __init__(self, in_features, out_features, hidden_size=5, activations=None):
        self.linear1 = Linear(in_features, hidden_size)
        self.linear2 = Linear(hidden_size, out_features)
        self.activation1, self.activation2 = activations or [Sigmoid(), Sigmoid()]

    def forward(self, x):
        x = self.activation1.forward(self.linear1.forward(x))
        return self.activation2.forward(self.linear2.forward(x))

    def backward(self, grad):
        grad = self.activation2.backward(grad)
        grad = self.linear2.backward(grad)
        grad = self.activation1.backward(grad)
        return self.linear1.backward(grad)

    def parameters(self):
        return self.linear1.parameters() + self.linear2.parameters()


class MSELoss:
    def forward(self, y_pred, y_true):
        self.y_pred, self.y_true = y_pred, y_true
        return np.mean((y_pred - y_true) ** 2)

    def backward(self):
        return 2 * (self.y_pred - self.y_true) / self.y_pred.size


class SGD:
    def __init__(self, parameters, lr=0.01):
        self.parameters = parameters
        self.lr = lr

    def step(self):
        for p in self.parameters:
            p.data -= self.lr * p.grad
            p.grad = np.zeros_like(p.grad)


if __name__ == "__main__":
    print("TOPLEVEL-RAN")
    time.sleep(100)
