"""A regressor in scikit-learn's style: weights made in fit(), kept as coefs_ and intercepts_ lists."""

import numpy as np


class TinyMLPRegressor:
    def __init__(self, hidden=(6, 5), alpha_lr=0.05, n_epochs=50, seed=1):
        self.hidden = hidden
        self.alpha_lr = alpha_lr
        self.n_epochs = n_epochs
        self.seed = seed

    def _forward_pass(self, X):
        acts = [X]
        for k, (W, c) in enumerate(zip(self.coefs_, self.intercepts_)):
            z = acts[-1] @ W + c
            acts.append(z if k == len(self.coefs_) - 1 else np.tanh(z))
        return acts

    def _backprop(self, acts, Y):
        m = Y.shape[0]
        delta = (acts[-1] - Y) / m  # loss: 0.5 * mean over samples of the squared error, summed over outputs
        coef_grads, intercept_grads = [], []
        for k in range(len(self.coefs_) - 1, -1, -1):
            coef_grads.insert(0, acts[k].T @ delta)
            intercept_grads.insert(0, delta.sum(axis=0))
            if k:
                delta = (delta @ self.coefs_[k].T) * (1 - acts[k] ** 2)
        return coef_grads, intercept_grads

    def fit(self, X, Y):
        Y = Y.reshape(len(X), -1)
        rng = np.random.RandomState(self.seed)
        sizes = [X.shape[1], *self.hidden, Y.shape[1]]
        self.coefs_ = [rng.uniform(-1, 1, (a, b)) / np.sqrt(a) for a, b in zip(sizes[:-1], sizes[1:])]
        self.intercepts_ = [rng.uniform(-0.1, 0.1, b) for b in sizes[1:]]
        for _ in range(self.n_epochs):
            acts = self._forward_pass(X)
            self.loss_ = 0.5 * np.mean(np.sum((acts[-1] - Y) ** 2, axis=1))
            gW, gb = self._backprop(acts, Y)
            for k in range(len(self.coefs_)):
                self.coefs_[k] -= self.alpha_lr * gW[k]
                self.intercepts_[k] -= self.alpha_lr * gb[k]
        return self

    def predict(self, X):
        return self._forward_pass(X)[-1]


if __name__ == "__main__":
    rng = np.random.RandomState(0)
    X = rng.randn(100, 2)
    Y = np.c_[np.sin(X[:, 0]), X[:, 0] * X[:, 1]]
    model = TinyMLPRegressor().fit(X, Y)
    print(model.loss_)
