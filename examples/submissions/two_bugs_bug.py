"""Two bugs: the hidden tanh derivative is taken at the activation (1 - tanh(a1)**2) and the output bias gradient is taken from the first sample only (expected: derivative_at_activation, with bias_not_summed on b2 also named)."""
import numpy as np


class TwoBugNet:
    def __init__(self, n_in=3, n_hidden=5, n_out=2):
        rng = np.random.default_rng(21)
        self.W1, self.b1 = rng.normal(size=(n_in, n_hidden)), np.zeros(n_hidden)
        self.W2, self.b2 = rng.normal(size=(n_hidden, n_out)), np.zeros(n_out)

    def forward(self, X):
        self.X = X
        self.a1 = np.tanh(X @ self.W1 + self.b1)
        self.out = self.a1 @ self.W2 + self.b2
        return self.out

    def backward(self, Y):
        d_out = 2 * (self.out - Y) / Y.size
        dW2 = self.a1.T @ d_out
        db2 = d_out[0]
        dz1 = (d_out @ self.W2.T) * (1 - np.tanh(self.a1) ** 2)
        return {"W1": self.X.T @ dz1, "b1": dz1.sum(0), "W2": dW2, "b2": db2}
