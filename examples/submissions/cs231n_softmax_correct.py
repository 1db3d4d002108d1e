"""Correct: the real CS231n TwoLayerNet signature (input_size, hidden_size, output_size, std=1e-4), ReLU, softmax + cross-entropy with integer labels; predict() returns argmax."""
import numpy as np


class TwoLayerNet(object):
    """affine - relu - affine - softmax, trained with a softmax loss on integer labels y (N,)."""

    def __init__(self, input_size, hidden_size, output_size, std=1e-4):
        self.params = {}
        self.params["W1"] = std * np.random.randn(input_size, hidden_size)
        self.params["b1"] = np.zeros(hidden_size)
        self.params["W2"] = std * np.random.randn(hidden_size, output_size)
        self.params["b2"] = np.zeros(output_size)

    def loss(self, X, y=None, reg=0.0):
        W1, b1, W2, b2 = self.params["W1"], self.params["b1"], self.params["W2"], self.params["b2"]
        N = X.shape[0]
        h = np.maximum(0, X @ W1 + b1)
        scores = h @ W2 + b2
        if y is None:
            return scores
        scores = scores - scores.max(axis=1, keepdims=True)
        probs = np.exp(scores)
        probs /= probs.sum(axis=1, keepdims=True)
        loss = -np.log(probs[np.arange(N), y]).mean() + 0.5 * reg * (np.sum(W1 * W1) + np.sum(W2 * W2))
        grads = {}
        dscores = probs
        dscores[np.arange(N), y] -= 1
        dscores /= N
        grads["W2"] = h.T @ dscores + reg * W2
        grads["b2"] = dscores.sum(axis=0)
        dh = dscores @ W2.T
        dh[h <= 0] = 0
        grads["W1"] = X.T @ dh + reg * W1
        grads["b1"] = dh.sum(axis=0)
        return loss, grads

    def predict(self, X):
        return np.argmax(self.loss(X), axis=1)


if __name__ == "__main__":
    rng = np.random.default_rng(1)
    X = rng.normal(size=(300, 4))
    y = (X[:, 0] > 0).astype(int) + (X[:, 1] > 0).astype(int)
    net = TwoLayerNet(4, 20, 3, std=0.1)
    for it in range(500):
        loss, grads = net.loss(X, y, reg=1e-4)
        for k in net.params:
            net.params[k] -= 0.5 * grads[k]
    print("train accuracy", (net.predict(X) == y).mean())
