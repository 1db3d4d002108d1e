"""Student: CS231n-style TwoLayerNet.loss(X, y=None) -> scores or (loss, grads)."""
import numpy as np


class TwoLayerNet:
    def __init__(self, input_size, hidden_size, output_size, std=0.5):
        self.params = {}
        self.params["W1"] = std * np.random.randn(input_size, hidden_size)
        self.params["b1"] = 0.1 * np.random.randn(hidden_size)
        self.params["W2"] = std * np.random.randn(hidden_size, output_size)
        self.params["b2"] = 0.1 * np.random.randn(output_size)

    def loss(self, X, y=None, reg=0.0):
        W1, b1, W2, b2 = (self.params[k] for k in ("W1", "b1", "W2", "b2"))
        h = np.tanh(X @ W1 + b1)
        scores = h @ W2 + b2
        if y is None:
            return scores
        N = X.shape[0]
        loss = 0.5 * np.sum((scores - y) ** 2) / N + 0.5 * reg * (np.sum(W1 ** 2) + np.sum(W2 ** 2))
        d = (scores - y) / N
        grads = {"W2": h.T @ d + reg * W2, "b2": d.sum(0)}
        dh = d @ W2.T * (1 - h ** 2)
        grads["W1"] = X.T @ dh + reg * W1
        grads["b1"] = dh.sum(0)
        return loss, grads
