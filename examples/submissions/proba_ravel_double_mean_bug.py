"""Binary classifier with a scikit-learn feel: predict_proba returns a flat vector; grad_W1 divided by m again."""
import numpy as np


class ShallowClassifier:
    def __init__(self, hidden_units=6, learning_rate=0.05, n_iter=300, random_state=1):
        self.hidden_units = hidden_units
        self.learning_rate = learning_rate
        self.n_iter = n_iter
        self.random_state = random_state

    def _cross_entropy(self, y, p):
        return -np.mean(y * np.log(p + 1e-9) + (1 - y) * np.log(1 - p + 1e-9))

    def _forward(self, X):
        self.h_in = X.dot(self.W1) + self.b1
        self.h = np.maximum(0, self.h_in)
        self.prob = 1 / (1 + np.exp(-(self.h.dot(self.W2) + self.b2)))
        return self.prob

    def _gradients(self, X, y):
        m = len(X)
        d_out = (self.prob - y) / m
        grad_W2 = self.h.T.dot(d_out)
        grad_b2 = d_out.sum(axis=0)
        d_h = d_out.dot(self.W2.T) * (self.h_in > 0)
        grad_W1 = X.T.dot(d_h) / m
        grad_b1 = d_h.sum(axis=0)
        return grad_W1, grad_b1, grad_W2, grad_b2

    def fit(self, X, y):
        rng = np.random.RandomState(self.random_state)
        y = np.asarray(y, dtype=float).reshape(-1, 1)
        self.W1 = rng.randn(X.shape[1], self.hidden_units) * 0.5
        self.b1 = np.full(self.hidden_units, 0.1)
        self.W2 = rng.randn(self.hidden_units, 1) * 0.5
        self.b2 = np.zeros(1)
        self.loss_curve_ = []
        for _ in range(self.n_iter):
            p = self._forward(X)
            self.loss_curve_.append(self._cross_entropy(y, p))
            gW1, gb1, gW2, gb2 = self._gradients(X, y)
            self.W1 -= self.learning_rate * gW1
            self.b1 -= self.learning_rate * gb1
            self.W2 -= self.learning_rate * gW2
            self.b2 -= self.learning_rate * gb2
        return self

    def predict_proba(self, X):
        return self._forward(X).ravel()

    def predict(self, X):
        return (self.predict_proba(X) >= 0.5).astype(int)
