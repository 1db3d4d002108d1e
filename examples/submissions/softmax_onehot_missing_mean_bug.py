"""Bug: softmax classifier (sigmoid hidden, one-hot targets) whose loss is the mean cross-entropy but whose gradient is not divided by the batch size (expected: missing_batch_mean)."""
import numpy as np


class SoftmaxClassifier:
    def __init__(self, n_features=4, n_hidden=8, n_classes=3):
        rng = np.random.default_rng(5)
        self.W1 = rng.normal(0, 0.5, (n_features, n_hidden))
        self.b1 = np.zeros(n_hidden)
        self.W2 = rng.normal(0, 0.5, (n_hidden, n_classes))
        self.b2 = np.zeros(n_classes)

    def forward(self, X):
        self.X = X
        self.a1 = 1 / (1 + np.exp(-(X @ self.W1 + self.b1)))
        z2 = self.a1 @ self.W2 + self.b2
        e = np.exp(z2 - z2.max(axis=1, keepdims=True))
        self.p = e / e.sum(axis=1, keepdims=True)
        return self.p

    def cross_entropy(self, Y):
        return -np.mean(np.sum(Y * np.log(self.p), axis=1))

    def gradients(self, Y):
        dz2 = self.p - Y
        grads = {"dW2": self.a1.T @ dz2, "db2": dz2.sum(axis=0)}
        dz1 = dz2 @ self.W2.T * self.a1 * (1 - self.a1)
        grads["dW1"] = self.X.T @ dz1
        grads["db1"] = dz1.sum(axis=0)
        return grads
