import numpy as np


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


class DeepNet:
    def __init__(self, sizes, rate=0.5):
        rng = np.random.default_rng(2)
        self.W = [rng.standard_normal((a, b)) * 0.8 for a, b in zip(sizes[:-1], sizes[1:])]
        self.b = [np.zeros((1, b)) for b in sizes[1:]]
        self.rate = rate

    def train_step(self, X, Y):
        acts = [X]
        for W, b in zip(self.W, self.b):
            acts.append(sigmoid(acts[-1] @ W + b))
        n = X.shape[0]
        delta = (acts[-1] - Y) / n  # BCE on a sigmoid output
        for i in range(len(self.W) - 1, -1, -1):
            dW = acts[i].T @ delta
            db = delta.sum(axis=0, keepdims=True)
            if i > 0:
                delta = delta @ self.W[i].T
                if i > 0:
                    delta = delta * acts[i] * (1 - acts[i])
            self.W[i] -= self.rate * dW
            self.b[i] -= self.rate * db
