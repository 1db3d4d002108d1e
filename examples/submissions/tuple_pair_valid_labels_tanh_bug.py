"""Bug: as tuple_pair_valid_labels_correct.py, with the hidden delta multiplied by 1 - tanh(H)**2: tanh's
derivative taken at the activation H, where 1 - H**2 belongs: the first layer's gradients are wrong."""
import numpy as np


def soft(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


class TanhSoftmaxNet:
    def __init__(self, n_in, n_hidden, n_out, lr=0.1, seed=0):
        rng = np.random.default_rng(seed)
        self.params = {'W1': rng.normal(0, 1 / np.sqrt(n_in), (n_in, n_hidden)), 'b1': np.zeros((1, n_hidden)),
                       'W2': rng.normal(0, 1 / np.sqrt(n_hidden), (n_hidden, n_out)), 'b2': np.zeros((1, n_out))}
        self.n_out = n_out
        self.lr = lr

    def encode(self, labels):
        return np.eye(self.n_out)[labels.reshape(-1)]

    def probs(self, X):
        p = self.params
        return soft(np.tanh(X @ p['W1'] + p['b1']) @ p['W2'] + p['b2'])

    def mean_loss(self, data):
        X, labels = data
        P = self.probs(X)
        return float(-np.mean(np.log(np.sum(self.encode(labels) * P, axis=1))))

    def error_rate(self, data):
        X, labels = data
        return float(np.mean(np.argmax(self.probs(X), axis=1) != labels))

    def train(self, train, valid, n_epochs=5):
        X, labels = train
        p = self.params
        n = X.shape[0]
        for _ in range(n_epochs):
            H = np.tanh(X @ p['W1'] + p['b1'])
            P = soft(H @ p['W2'] + p['b2'])
            d2 = (P - self.encode(labels)) / n
            d1 = (d2 @ p['W2'].T) * (1 - np.tanh(H) ** 2)
            p['W2'] -= self.lr * H.T @ d2
            p['b2'] -= self.lr * d2.sum(axis=0, keepdims=True)
            p['W1'] -= self.lr * X.T @ d1
            p['b1'] -= self.lr * d1.sum(axis=0, keepdims=True)
        return self.error_rate(valid)
