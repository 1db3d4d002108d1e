"""A binary classifier trained one sample at a time: sigmoid hidden layer, sigmoid output,
cross-entropy; the output error is written as one branch per label."""

import numpy as np


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


class BinaryOnline:
    def __init__(self, n_in, n_hidden, eta=0.1):
        self.eta = eta
        self.W_hidden = np.random.normal(0.0, 0.7, (n_hidden, n_in))
        self.b_hidden = np.zeros(n_hidden)
        self.W_out = np.random.normal(0.0, 0.7, (1, n_hidden))
        self.b_out = np.zeros(1)

    def forward(self, x):
        self.x = x
        self.h = sigmoid(self.W_hidden @ x + self.b_hidden)
        self.p = sigmoid(self.W_out @ self.h + self.b_out)
        return self.p

    def cross_entropy(self, x, t):
        p = self.forward(x)
        return float(-(t * np.log(p) + (1 - t) * np.log(1 - p)).sum())

    def update(self, x, t):
        p = self.forward(x)
        if t == 1:
            err = 1.0 - p
        else:
            err = p
        err_h = (self.W_out.T @ err) * self.h * (1 - self.h)
        self.W_out -= self.eta * np.outer(err, self.h)
        self.b_out -= self.eta * err
        self.W_hidden -= self.eta * np.outer(err_h, x)
        self.b_hidden -= self.eta * err_h


if __name__ == "__main__":
    np.random.seed(5)
    points = np.random.uniform(-2, 2, (60, 2))
    labels = (points[:, 0] ** 2 + points[:, 1] ** 2 < 1.5).astype(float)
    model = BinaryOnline(2, 6)
    for epoch in range(100):
        for x, t in zip(points, labels):
            model.update(x, t)
    print(np.mean([model.cross_entropy(x, t) for x, t in zip(points, labels)]))
