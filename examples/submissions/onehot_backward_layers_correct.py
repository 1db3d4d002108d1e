"""Digits classifier: Dense layers that keep their gradients, a network whose backward takes the labels.

backward(labels_one_hot) starts from the softmax cross-entropy gradient itself (the helper below),
then walks the layers down. Checked by hand against finite differences before training.
"""

import numpy as np


def relu(z):
    return np.maximum(z, 0.0)


def relu_slope(z):
    return (z > 0).astype(float)


def softmax(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def softmax_xent(probs, labels_one_hot):
    return -np.mean(np.sum(labels_one_hot * np.log(probs + 1e-12), axis=1))


def softmax_xent_grad(probs, labels_one_hot):
    return (probs - labels_one_hot) / probs.shape[0]


class Dense:
    def __init__(self, fan_in, fan_out):
        self.W = np.random.randn(fan_in, fan_out) * np.sqrt(2.0 / fan_in)
        self.b = np.zeros((1, fan_out))

    def forward(self, x):
        self.x = x
        return x @ self.W + self.b

    def backward(self, grad_out):
        self.dW = self.x.T @ grad_out
        self.db = grad_out.sum(axis=0, keepdims=True)
        return grad_out @ self.W.T


class Classifier:
    def __init__(self, sizes):
        self.layers = [Dense(a, b) for a, b in zip(sizes[:-1], sizes[1:])]

    def forward(self, x):
        self.zs = []
        for layer in self.layers[:-1]:
            z = layer.forward(x)
            self.zs.append(z)
            x = relu(z)
        self.probs = softmax(self.layers[-1].forward(x))
        return self.probs

    def backward(self, labels_one_hot):
        grad = self.layers[-1].backward(softmax_xent_grad(self.probs, labels_one_hot))
        for i in range(len(self.layers) - 2, -1, -1):
            grad = self.layers[i].backward(grad * relu_slope(self.zs[i]))

    def loss(self, x, labels_one_hot):
        return softmax_xent(self.forward(x), labels_one_hot)


if __name__ == "__main__":
    from sklearn.datasets import load_digits

    digits = load_digits()
    X, Y = digits.data / 16.0, np.eye(10)[digits.target]
    net = Classifier([64, 32, 10])
    for epoch in range(100):
        net.forward(X)
        net.backward(Y)
        for layer in net.layers:
            layer.W -= 0.5 * layer.dW
            layer.b -= 0.5 * layer.db
    print(net.loss(X, Y))
