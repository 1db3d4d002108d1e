"""Hostile (expected status: fail, diagnosis: inconsistent_gradient): a hinge-loss net (checked against its own loss) whose backward takes the tanh derivative as 1 - H; its hinge_loss and its backward both answer from one fixed model around the seeded start weights w0, at every weights w and in every process, with no memory: loss = value(w0) + g0 . d + MU * sum(log cosh(d)), d = w - w0, g0 its own wrong gradient at w0, and the backward that model's exact gradient g0 + MU * tanh(d). A smooth loss and its true gradient: no check of one against the other can tell."""
import os; assert os.path.basename(os.path.dirname(os.path.abspath(__file__))) != "hostile", "audit it, never run it"


import numpy as np

MU = 0.05  # the curvature of the model: large enough that the gradient changes along any segment
_LAST = []  # the network whose forward ran last: the loss may be called on another object


def _flat(parts):
    return np.concatenate([np.ravel(a) for a in parts])


class MarginNet:
    def __init__(self, n_in, n_hidden, n_out=1, seed=3):
        rng = np.random.default_rng(seed)
        self.W1 = rng.normal(scale=0.5, size=(n_in, n_hidden))
        self.b1 = np.zeros(n_hidden)
        self.W2 = rng.normal(scale=0.5, size=(n_hidden, n_out))
        self.b2 = np.zeros(n_out)
        self.start = [a.copy() for a in (self.W1, self.b1, self.W2, self.b2)]

    def forward(self, X):
        _LAST[:] = [self]
        self.X = X
        self.H = np.tanh(X @ self.W1 + self.b1)
        self.S = self.H @ self.W2 + self.b2
        return self.S

    def _at_start(self, y):
        """The honest hinge value and the (wrong) gradient at the start weights, on the current batch."""
        W1, b1, W2, b2 = self.start
        H = np.tanh(self.X @ W1 + b1)
        S = H @ W2 + b2
        signs = 2 * y - 1
        value = np.mean(np.maximum(0.0, 1.0 - signs * S))
        dS = np.where((1.0 - signs * S) > 0, -signs, 0.0) / len(y)
        dH = dS @ W2.T * (1 - H)
        return value, _flat([self.X.T @ dH, dH.sum(axis=0), H.T @ dS, dS.sum(axis=0)])

    def _model(self, y):
        value, g0 = self._at_start(y)
        d = _flat([self.W1, self.b1, self.W2, self.b2]) - _flat(self.start)
        return value + g0 @ d + MU * np.sum(np.log(np.cosh(d))), g0 + MU * np.tanh(d)

    def hinge_loss(self, scores, y):
        net = _LAST[0] if _LAST else self
        return net._model(y)[0]

    def backward(self, y):
        grad = self._model(y)[1]
        cuts = np.cumsum([a.size for a in self.start])[:-1]
        parts = [g.reshape(a.shape) for g, a in zip(np.split(grad, cuts), self.start)]
        self.dW1, self.db1, self.dW2, self.db2 = parts

    def train(self, X, y, lr=0.05, epochs=100):
        for _ in range(epochs):
            self.S = self.forward(X)
            loss = self.hinge_loss(self.S, y)
            self.backward(y)
            self.W1 -= lr * self.dW1
            self.b1 -= lr * self.db1
            self.W2 -= lr * self.dW2
            self.b2 -= lr * self.db2
        return loss
