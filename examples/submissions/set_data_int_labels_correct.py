"""A softmax classifier that is handed its batch by set_data(X, labels) and trains on it with
step(): integer labels, one-hot coded inside, bias columns folded into the weights."""

import numpy as np


def encode(labels, classes):
    rows = np.zeros((len(labels), classes))
    rows[np.arange(len(labels)), labels.astype(int)] = 1.0
    return rows


def softmax(scores):
    shifted = np.exp(scores - scores.max(axis=1, keepdims=True))
    return shifted / shifted.sum(axis=1, keepdims=True)


def with_ones(A):
    return np.hstack((np.ones((A.shape[0], 1)), A))


class Classifier:
    def __init__(self, n_in=20, n_hidden=12, n_out=4, rate=0.05, seed=3):
        rng = np.random.default_rng(seed)
        self.n_out, self.rate = n_out, rate
        self.V = rng.uniform(-0.4, 0.4, (n_hidden, n_in + 1))
        self.W = rng.uniform(-0.4, 0.4, (n_out, n_hidden + 1))
        self.inputs = None
        self.targets = None

    def set_data(self, X, labels):
        self.inputs = X
        self.targets = labels
        self.count = X.shape[0]

    def forward(self):
        pre = with_ones(self.inputs) @ self.V.T
        hidden = np.maximum(pre, 0.0)
        probs = softmax(with_ones(hidden) @ self.W.T)
        return hidden, probs

    def cost(self):
        _, probs = self.forward()
        return -np.sum(encode(self.targets, self.n_out) * np.log(probs)) / self.count

    def step(self, hidden, probs):
        d_out = probs - encode(self.targets, self.n_out)
        d_hid = (hidden > 0) * (d_out @ self.W[:, 1:])
        scale = self.rate / self.count
        self.W[:, 1:] -= scale * (d_out.T @ hidden)
        self.W[:, :1] -= scale * d_out.sum(axis=0)[:, None]
        self.V[:, 1:] -= scale * (d_hid.T @ self.inputs)
        self.V[:, :1] -= scale * d_hid.sum(axis=0)[:, None]


def train(model, X, labels, epochs=5):
    model.set_data(X, labels)
    for _ in range(epochs):
        hidden, probs = model.forward()
        model.step(hidden, probs)
    return model
