"""Binary SVM with one ReLU hidden layer, CS231n style: loss(X, y) returns the hinge loss and its
gradients (labels 0/1 turned into -1/+1), plus (reg / 2) * sum(W**2) on both weight matrices."""

import numpy as np


class TwoLayerSVM:
    def __init__(self, input_dim, hidden_dim, weight_scale=0.5, reg=0.0):
        rng = np.random.default_rng(4)
        self.params = {
            "W1": weight_scale * rng.standard_normal((input_dim, hidden_dim)),
            "b1": np.zeros(hidden_dim),
            "W2": weight_scale * rng.standard_normal((hidden_dim, 1)),
            "b2": np.zeros(1),
        }
        self.reg = reg

    def loss(self, X, y=None):
        p = self.params
        z1 = X @ p["W1"] + p["b1"]
        h = np.maximum(z1, 0)
        scores = h @ p["W2"] + p["b2"]
        if y is None:
            return scores
        t = (2 * y - 1).reshape(-1, 1)
        n = X.shape[0]
        margins = np.maximum(0, 1 - t * scores)
        loss = margins.sum() / n + 0.5 * self.reg * (np.sum(p["W1"] ** 2) + np.sum(p["W2"] ** 2))
        dscores = np.where(margins > 0, -t, 0.0) / n
        grads = {"W2": h.T @ dscores + self.reg * p["W2"], "b2": dscores.sum(axis=0)}
        dh = dscores @ p["W2"].T
        dh[z1 <= 0] = 0
        grads["W1"] = X.T @ dh + self.reg * p["W1"]
        grads["b1"] = dh.sum(axis=0)
        return loss, grads
