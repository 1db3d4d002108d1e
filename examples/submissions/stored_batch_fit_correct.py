"""A binary classifier whose fit() stores the data on the object; its passes then take no data."""

import numpy as np


class BinaryNet:
    def __init__(self, sizes=(4, 6, 1), rate=0.05, n_iter=200):
        self.sizes = sizes
        self.rate = rate
        self.n_iter = n_iter
        self.weights = {}
        self.inputs = None
        self.labels = None
        self.history = []

    def setup(self):
        np.random.seed(3)
        self.weights["W1"] = np.random.randn(self.sizes[0], self.sizes[1]) * 0.5
        self.weights["b1"] = np.zeros(self.sizes[1])
        self.weights["W2"] = np.random.randn(self.sizes[1], self.sizes[2]) * 0.5
        self.weights["b2"] = np.zeros(self.sizes[2])

    @staticmethod
    def logistic(z):
        return 1.0 / (1.0 + np.exp(-z))

    def cost(self, labels, prob):
        prob = np.clip(prob, 1e-10, 1 - 1e-10)
        n = len(labels)
        return -np.sum(labels * np.log(prob) + (1 - labels) * np.log(1 - prob)) / n

    def forward_propagation(self):
        self.z1 = self.inputs.dot(self.weights["W1"]) + self.weights["b1"]
        self.a1 = np.maximum(self.z1, 0)
        self.z2 = self.a1.dot(self.weights["W2"]) + self.weights["b2"]
        prob = self.logistic(self.z2)
        return prob, self.cost(self.labels, prob)

    def backward_propagation(self, prob):
        n = len(self.labels)
        d_z2 = (prob - self.labels) / n
        d_w2 = self.a1.T.dot(d_z2)
        d_b2 = d_z2.sum(axis=0)
        d_a1 = d_z2.dot(self.weights["W2"].T)
        d_z1 = d_a1 * (self.z1 > 0)
        d_w1 = self.inputs.T.dot(d_z1)
        d_b1 = d_z1.sum(axis=0)
        self.weights["W1"] = self.weights["W1"] - self.rate * d_w1
        self.weights["b1"] = self.weights["b1"] - self.rate * d_b1
        self.weights["W2"] = self.weights["W2"] - self.rate * d_w2
        self.weights["b2"] = self.weights["b2"] - self.rate * d_b2

    def fit(self, X, y):
        self.inputs = X
        self.labels = y
        self.setup()
        for _ in range(self.n_iter):
            prob, loss = self.forward_propagation()
            self.backward_propagation(prob)
            self.history.append(loss)


if __name__ == "__main__":
    rng = np.random.default_rng(0)
    X = rng.normal(size=(50, 4))
    y = (X[:, :1] > 0).astype(float)
    model = BinaryNet()
    model.fit(X, y)
    print(model.history[0], model.history[-1])
