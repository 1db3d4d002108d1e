"""Churn classifier: one method trains on a batch, predict() gives 0/1 decisions (tanh derivative taken at the activation)."""
import numpy as np


class ChurnClassifier:
    def __init__(self, n_inputs, n_hidden=8, step=0.3):
        rng = np.random.default_rng(7)
        self.Wa = rng.normal(0.0, 0.5, (n_inputs, n_hidden))
        self.ba = np.zeros((1, n_hidden))
        self.Wb = rng.normal(0.0, 0.5, (n_hidden, 1))
        self.bb = np.zeros((1, 1))
        self.step = step

    @staticmethod
    def _sigmoid(v):
        return 1.0 / (1.0 + np.exp(-v))

    def log_loss(self, y, prob):
        return -np.mean(y * np.log(prob) + (1 - y) * np.log(1 - prob))

    def fit_batch(self, X, y):
        hid = np.tanh(X @ self.Wa + self.ba)
        prob = self._sigmoid(hid @ self.Wb + self.bb)
        err = (prob - y) / len(X)
        gWb = hid.T @ err
        gbb = err.sum(axis=0, keepdims=True)
        back = (err @ self.Wb.T) * (1 - np.tanh(hid) ** 2)
        gWa = X.T @ back
        gba = back.sum(axis=0, keepdims=True)
        self.Wa -= self.step * gWa
        self.ba -= self.step * gba
        self.Wb -= self.step * gWb
        self.bb -= self.step * gbb
        return self.log_loss(y, prob)

    def predict(self, X):
        hid = np.tanh(X @ self.Wa + self.ba)
        prob = self._sigmoid(hid @ self.Wb + self.bb)
        labels = np.where(prob >= 0.5, 1, 0)
        return labels
