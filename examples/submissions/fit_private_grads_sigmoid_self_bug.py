"""As fit_private_grads_correct.py, but the hidden derivative is the activation itself (hid where hid * (1 - hid) belongs). An sklearn-style binary classifier whose only public method is fit(X, y): the weights are made inside it from
the data's width, the gradients come from a private helper, and the loss is computed inline in the loop."""
import numpy as np


class BinaryMLP:
    def __init__(self, n_hidden=6, n_epochs=200, step=0.3, seed=7):
        self.n_hidden = n_hidden
        self.n_epochs = n_epochs
        self.step = step
        self.seed = seed

    @staticmethod
    def _squash(t):
        return 1.0 / (1.0 + np.exp(-t))

    def _compute_gradients(self, X, y):
        count = X.shape[0]
        hid = self._squash(X @ self.W_h + self.b_h)
        prob = self._squash(hid @ self.W_o + self.b_o)
        err = (prob - y) / count
        g_Wo = hid.T @ err
        g_bo = err.sum(axis=0)
        back = (err @ self.W_o.T) * hid
        g_Wh = X.T @ back
        g_bh = back.sum(axis=0)
        return g_Wh, g_bh, g_Wo, g_bo

    def fit(self, X, y):
        y = np.asarray(y, dtype=float).reshape(-1, 1)
        gen = np.random.default_rng(self.seed)
        self.W_h = gen.normal(0.0, 0.8, (X.shape[1], self.n_hidden))
        self.b_h = np.zeros(self.n_hidden)
        self.W_o = gen.normal(0.0, 0.8, (self.n_hidden, 1))
        self.b_o = np.zeros(1)
        self.history = []
        for _ in range(self.n_epochs):
            prob = self._squash(self._squash(X @ self.W_h + self.b_h) @ self.W_o + self.b_o)
            loss = -np.mean(y * np.log(prob) + (1 - y) * np.log(1 - prob))
            self.history.append(loss)
            g_Wh, g_bh, g_Wo, g_bo = self._compute_gradients(X, y)
            self.W_h -= self.step * g_Wh
            self.b_h -= self.step * g_bh
            self.W_o -= self.step * g_Wo
            self.b_o -= self.step * g_bo
        return self
