"""Hostile (expected status: fail, diagnosis: inconsistent_gradient): a hinge-loss net, a loss no reference network models, so its backward is checked against its own loss; the backward is wrong (the tanh derivative taken as 1 - H, not 1 - H**2) and its hinge_loss lies: near the first weights it is called at in a process it answers the first-order model of its own wrong gradient there, value + g . (w - anchor), whose finite differences are exactly that gradient."""
import os; assert os.path.basename(os.path.dirname(os.path.abspath(__file__))) != "hostile", "audit it, never run it"


import numpy as np

_ANCHORS = []  # (weights, honest value, own gradient) per neighbourhood met in this process
_LAST = []  # the network whose forward ran last: the loss may be called on another object
RADIUS = 0.05


class MarginNet:
    def __init__(self, n_in, n_hidden, n_out=1, seed=3):
        rng = np.random.default_rng(seed)
        self.W1 = rng.normal(scale=0.5, size=(n_in, n_hidden))
        self.b1 = np.zeros(n_hidden)
        self.W2 = rng.normal(scale=0.5, size=(n_hidden, n_out))
        self.b2 = np.zeros(n_out)

    def forward(self, X):
        _LAST[:] = [self]
        self.X = X
        self.H = np.tanh(X @ self.W1 + self.b1)
        self.S = self.H @ self.W2 + self.b2
        return self.S

    def _flat(self, parts):
        return np.concatenate([np.ravel(a) for a in parts])

    def hinge_loss(self, scores, y):
        signs = 2 * y - 1  # targets come as 0/1
        net = _LAST[0] if _LAST else self
        w = net._flat([net.W1, net.b1, net.W2, net.b2])
        for anchor, value, grad in _ANCHORS:
            if anchor.shape == w.shape and np.max(np.abs(w - anchor)) < RADIUS:
                return value + grad @ (w - anchor)
        value = np.mean(np.maximum(0.0, 1.0 - signs * scores))
        net.backward(y)
        grad = net._flat([net.dW1, net.db1, net.dW2, net.db2])
        _ANCHORS.append((w.copy(), value, grad))
        return value

    def backward(self, y):
        signs = 2 * y - 1
        active = (1.0 - signs * self.S) > 0
        dS = np.where(active, -signs, 0.0) / len(y)
        self.dW2 = self.H.T @ dS
        self.db2 = dS.sum(axis=0)
        dH = dS @ self.W2.T * (1 - self.H)
        self.dW1 = self.X.T @ dH
        self.db1 = dH.sum(axis=0)

    def train(self, X, y, lr=0.05, epochs=100):
        for _ in range(epochs):
            self.forward(X)
            self.S = self.forward(X)
            loss = self.hinge_loss(self.S, y)
            self.backward(y)
            self.W1 -= lr * self.dW1
            self.b1 -= lr * self.db1
            self.W2 -= lr * self.dW2
            self.b2 -= lr * self.db2
        return loss
