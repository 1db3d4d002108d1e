"""A softmax classifier whose layer list leaves out the input size: fit() reads it off the data.

MLP([16, 3]) names the hidden widths and the classes; fit(X, Y) inserts X.shape[0], the features of a
batch whose samples are columns, then makes the weights and trains. ReLU hidden layers, a softmax
output, the mean cross-entropy with log(A + 1e-12), one-hot targets as columns.
"""

import numpy as np


def relu(z):
    return np.maximum(0, z)


def softmax(z):
    e = np.exp(z - z.max(axis=0, keepdims=True))
    return e / e.sum(axis=0, keepdims=True)


class MLP:
    def __init__(self, layers, lr=0.1, epochs=100):
        self.layers = list(layers)
        self.lr = lr
        self.epochs = epochs
        self.params = {}

    def _init(self):
        rng = np.random.default_rng(0)
        for l in range(1, len(self.layers)):
            self.params["W" + str(l)] = rng.standard_normal((self.layers[l], self.layers[l - 1])) * 0.1
            self.params["b" + str(l)] = np.zeros((self.layers[l], 1))

    def forward(self, X):
        cache = {"A0": X}
        L = len(self.layers) - 1
        A = X
        for l in range(1, L + 1):
            Z = self.params["W" + str(l)] @ A + self.params["b" + str(l)]
            A = softmax(Z) if l == L else relu(Z)
            cache["Z" + str(l)] = Z
            cache["A" + str(l)] = A
        return A, cache

    def loss(self, A, Y):
        m = Y.shape[1]
        return -np.sum(Y * np.log(A + 1e-12)) / m

    def backward(self, Y, cache):
        grads = {}
        L = len(self.layers) - 1
        m = Y.shape[1]
        dZ = cache["A" + str(L)] - Y
        for l in range(L, 0, -1):
            grads["dW" + str(l)] = dZ @ cache["A" + str(l - 1)].T / m
            grads["db" + str(l)] = dZ.sum(axis=1, keepdims=True) / m
            if l > 1:
                dA = self.params["W" + str(l)].T @ dZ
                dZ = dA * (cache["Z" + str(l - 1)] > 0)
        return grads

    def fit(self, X, Y):
        self.layers.insert(0, X.shape[0])
        self._init()
        for _ in range(self.epochs):
            A, cache = self.forward(X)
            grads = self.backward(Y, cache)
            for l in range(1, len(self.layers)):
                self.params["W" + str(l)] -= self.lr * grads["dW" + str(l)]
                self.params["b" + str(l)] -= self.lr * grads["db" + str(l)]
        return self


if __name__ == "__main__":
    rng = np.random.default_rng(1)
    features = rng.standard_normal((4, 30))
    classes = rng.integers(0, 3, 30)
    MLP([16, 3]).fit(features, np.eye(3)[classes].T)
