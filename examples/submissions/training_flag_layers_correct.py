"""Layer objects that keep what their backward needs only when asked to (forward(X, training=True)), samples as
columns, and a softmax layer that one-hot encodes the integer labels its backward is given."""

import numpy as np


class Dense:
    def __init__(self, n_in, n_out, rng):
        self.W = rng.normal(0.0, np.sqrt(2.0 / n_in), (n_out, n_in))
        self.b = np.zeros((n_out, 1))

    def forward(self, X, training=False):
        if training:
            self.X = X
        return self.W @ X + self.b

    def backward(self, d_out, learning_rate=0.01):
        m = self.X.shape[1]
        d_W = d_out @ self.X.T / m
        d_b = d_out.sum(axis=1, keepdims=True) / m
        d_X = self.W.T @ d_out
        self.W -= learning_rate * d_W
        self.b -= learning_rate * d_b
        return d_X


class Relu:
    def forward(self, X, training=False):
        if training:
            self.X = X
        return np.maximum(X, 0)

    def backward(self, d_out):
        return d_out * (self.X > 0)


class Softmax:
    def forward(self, X, training=False):
        e = np.exp(X - X.max(axis=0, keepdims=True))
        probs = e / e.sum(axis=0, keepdims=True)
        if training:
            self.probs = probs
        return probs

    def backward(self, labels):
        one_hot = np.zeros_like(self.probs)
        one_hot[labels, np.arange(labels.size)] = 1.0
        return self.probs - one_hot


class Network:
    def __init__(self, n_in=4, n_hidden=8, n_out=3):
        rng = np.random.default_rng(5)
        self.hidden = Dense(n_in, n_hidden, rng)
        self.relu = Relu()
        self.out = Dense(n_hidden, n_out, rng)
        self.softmax = Softmax()

    def forward(self, X, training=False):
        X = self.hidden.forward(X, training)
        X = self.relu.forward(X, training)
        X = self.out.forward(X, training)
        return self.softmax.forward(X, training)

    def backward(self, labels, learning_rate):
        d = self.softmax.backward(labels)
        d = self.out.backward(d, learning_rate)
        d = self.relu.backward(d)
        self.hidden.backward(d, learning_rate)

    def train(self, X, labels, learning_rate=0.1, epochs=100):
        for _ in range(epochs):
            self.forward(X, training=True)
            self.backward(labels, learning_rate)
            yield float(np.mean(np.argmax(self.forward(X), axis=0) == labels))
