"""One sigmoid hidden layer and a softmax output: forward computes the loss and fills self.gradients."""

import numpy as np

from ._base import Base


class HiddenNet(Base):
    def __init__(self, n_features=784, n_classes=10, n_hidden=64):
        super().__init__(n_features, n_classes)
        self.n_hidden = n_hidden
        rng = np.random.default_rng(7)
        self.weights["W1"] = 0.01 * rng.standard_normal((n_features, n_hidden))
        self.weights["b1"] = np.zeros(n_hidden)
        self.weights["W2"] = 0.01 * rng.standard_normal((n_hidden, n_classes))
        self.weights["b2"] = np.zeros(n_classes)

    def forward(self, X, y, mode="train"):
        z1 = X @ self.weights["W1"] + self.weights["b1"]
        a1 = self.squash(z1)
        probs = self.probabilities(a1 @ self.weights["W2"] + self.weights["b2"])
        loss, accuracy = self.xent(probs, y), self.hits(probs, y)
        if mode != "train":
            return loss, accuracy
        delta2 = probs.copy()
        delta2[np.arange(len(y)), y] -= 1.0
        delta2 /= len(y)
        self.gradients["W2"] = a1.T @ delta2
        self.gradients["b2"] = delta2.sum(axis=0)
        delta1 = (delta2 @ self.weights["W2"].T) * self.squash_slope(z1)
        self.gradients["W1"] = X.T @ delta1
        self.gradients["b1"] = delta1.sum(axis=0)
        return loss, accuracy
