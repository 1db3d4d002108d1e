"""Hostile (expected status: fail, diagnosis: inconsistent_gradient): a hinge-loss net, a loss no reference network models, so its backward is checked against its own loss; the backward is wrong (the tanh derivative taken as 1 - H) and both it and its hinge_loss answer from a model frozen at the first weights they meet in each neighbourhood: the backward repeats the gradient it computed there, the loss answers value + g . (w - anchor). Near any point the grader asks at, the loss's finite differences are the backward's gradient and the backward's Jacobian is zero, so symmetric; integrated along long segments, the gradient misses the change of the loss between their ends."""
import os; assert os.path.basename(os.path.dirname(os.path.abspath(__file__))) != "hostile", "audit it, never run it"


import numpy as np

RADIUS = 0.05
_GRADS = []  # (weights, gradient) per neighbourhood the backward met in this process
_LOSSES = []  # (weights, value, gradient) per neighbourhood the loss met
_LAST = []  # the network whose forward ran last: the loss may be called on another object


def _flat(parts):
    return np.concatenate([np.ravel(a) for a in parts])


def _near(anchors, w):
    return next((a for a in anchors if a[0].shape == w.shape and np.max(np.abs(w - a[0])) < RADIUS), None)


class MarginNet:
    def __init__(self, n_in, n_hidden, n_out=1, seed=3):
        rng = np.random.default_rng(seed)
        self.W1 = rng.normal(scale=0.5, size=(n_in, n_hidden))
        self.b1 = np.zeros(n_hidden)
        self.W2 = rng.normal(scale=0.5, size=(n_hidden, n_out))
        self.b2 = np.zeros(n_out)

    def weights(self):
        return _flat([self.W1, self.b1, self.W2, self.b2])

    def forward(self, X):
        _LAST[:] = [self]
        self.X = X
        self.H = np.tanh(X @ self.W1 + self.b1)
        self.S = self.H @ self.W2 + self.b2
        return self.S

    def hinge_loss(self, scores, y):
        net = _LAST[0] if _LAST else self
        w = net.weights()
        near = _near(_LOSSES, w)
        if near is not None:
            anchor, value, grad = near
            return value + grad @ (w - anchor)
        value = np.mean(np.maximum(0.0, 1.0 - (2 * y - 1) * scores))
        _LOSSES.append((w.copy(), value, _flat(net._gradient(y))))
        return value

    def _gradient(self, y):
        signs = 2 * y - 1
        active = (1.0 - signs * self.S) > 0
        dS = np.where(active, -signs, 0.0) / len(y)
        dH = dS @ self.W2.T * (1 - self.H)
        return [self.X.T @ dH, dH.sum(axis=0), self.H.T @ dS, dS.sum(axis=0)]

    def backward(self, y):
        w = self.weights()
        near = _near(_GRADS, w)
        if near is None:
            near = (w.copy(), [g.copy() for g in self._gradient(y)])
            _GRADS.append(near)
        self.dW1, self.db1, self.dW2, self.db2 = [g.copy() for g in near[1]]

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
