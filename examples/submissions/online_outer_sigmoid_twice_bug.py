import numpy as np


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def sigmoid_derivative(z):
    return sigmoid(z) * (1 - sigmoid(z))


class OnlineClassifier:
    """Sigmoid hidden and output layers, one sample at a time, E = 0.5 * sum((o - t)**2)."""

    def __init__(self, n_in, n_hidden, n_out, lr=0.5):
        self.lr = lr
        self.w1 = np.random.uniform(-1, 1, (n_hidden, n_in))
        self.b1 = np.random.uniform(-1, 1, n_hidden)
        self.w2 = np.random.uniform(-1, 1, (n_out, n_hidden))
        self.b2 = np.random.uniform(-1, 1, n_out)

    def forward(self, x):
        self.a1 = sigmoid(np.dot(self.w1, x) + self.b1)
        self.a2 = sigmoid(np.dot(self.w2, self.a1) + self.b2)
        return self.a2

    def loss(self, x, t):
        return 0.5 * np.sum((self.forward(x) - t) ** 2)

    def train(self, x, t):
        out = self.forward(x)
        d2 = (out - t) * sigmoid_derivative(out)
        d1 = np.dot(self.w2.T, d2) * sigmoid_derivative(self.a1)
        self.w2 -= self.lr * np.outer(d2, self.a1)
        self.b2 -= self.lr * d2
        self.w1 -= self.lr * np.outer(d1, x)
        self.b1 -= self.lr * d1


if __name__ == "__main__":
    patterns = [([0, 0], [0, 1]), ([0, 1], [1, 0]), ([1, 0], [1, 0]), ([1, 1], [0, 1])]
    net = OnlineClassifier(2, 4, 2)
    for _ in range(3000):
        for x, t in patterns:
            net.train(np.array(x, dtype=float), np.array(t, dtype=float))
