"""A classifier that holds its training data, and whose loss records the batch size the backward divides by.

Classifier(inputs, onehot, labels) keeps the data; forward(x) runs a tanh layer and a
softmax; cross_entropy(probs) stores self.count (the samples) before returning the mean
cross-entropy; backward(probs) divides by that count and updates with the module's rate.
fit() calls forward, cross_entropy and backward in that order, every epoch.
"""

import numpy as np

rate = 0.1
hidden_units = 8


def softmax(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


class Classifier:
    def __init__(self, inputs, onehot, labels):
        self.inputs = inputs
        self.onehot = onehot
        self.labels = labels
        self.W1 = np.random.normal(0.0, 0.3, (inputs.shape[1], hidden_units))
        self.b1 = np.zeros(hidden_units)
        self.W2 = np.random.normal(0.0, 0.3, (hidden_units, onehot.shape[1]))
        self.b2 = np.zeros(onehot.shape[1])

    def forward(self, x):
        self.h = np.tanh(x @ self.W1 + self.b1)
        return softmax(self.h @ self.W2 + self.b2)

    def cross_entropy(self, probs):
        self.count = probs.shape[0]
        return -np.sum(self.onehot * np.log(probs)) / self.count

    def backward(self, probs):
        delta = (probs - self.onehot) / self.count
        dW2 = self.h.T @ delta
        db2 = delta.sum(axis=0)
        dh = (delta @ self.W2.T) * (1 - self.h**2)
        dW1 = self.inputs.T @ dh
        db1 = dh.sum(axis=0)
        self.W1 -= rate * dW1
        self.b1 -= rate * db1
        self.W2 -= rate * dW2
        self.b2 -= rate * db2

    def accuracy(self, probs):
        return np.mean(np.argmax(probs, axis=1) == self.labels)

    def fit(self, epochs=100):
        for _ in range(epochs):
            probs = self.forward(self.inputs)
            cost = self.cross_entropy(probs)
            self.backward(probs)
        return cost, self.accuracy(self.forward(self.inputs))


def main(seed=7):
    rng = np.random.default_rng(seed)
    points = rng.standard_normal((50, 4))
    classes = (points[:, 0] > 0).astype(int) + (points[:, 1] > 0).astype(int)
    print(Classifier(points, np.eye(3)[classes], classes).fit())


if __name__ == "__main__":
    main()
