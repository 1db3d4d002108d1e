"""Weights made in setup(self, n_inputs, n_hidden, n_outputs); lr = 0.3 set in the method, then W -= lr * dW."""

import numpy as np


class Perceptron2:
    def setup(self, n_inputs, n_hidden, n_outputs):
        self.W_ih = np.random.randn(n_inputs, n_hidden) * 0.3
        self.W_ho = np.random.randn(n_hidden, n_outputs) * 0.3
        self.b_h = np.zeros(n_hidden)
        self.b_o = np.zeros(n_outputs)

    def predict_proba(self, X):
        self.X = X
        self.hid = np.maximum(0, X @ self.W_ih + self.b_h)
        self.out = 1 / (1 + np.exp(-(self.hid @ self.W_ho + self.b_o)))
        return self.out

    def log_loss(self, y):
        return -np.mean(y * np.log(self.out) + (1 - y) * np.log(1 - self.out))

    def backprop(self, y):
        lr = 0.3
        d_out = (self.out - y) / len(y)
        d_hid = (d_out @ self.W_ho.T) * (self.hid > 0)
        self.W_ho -= lr * self.hid.T @ d_out
        self.b_o -= lr * d_out.sum(axis=0)
        self.W_ih -= lr * self.X.T @ d_hid
        self.b_h -= lr * d_hid.sum(axis=0)


if __name__ == "__main__":
    p = Perceptron2()
    p.setup(4, 8, 1)
