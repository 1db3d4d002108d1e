"""Hostile (expected status: fail, diagnosis: numerical_gradient): no backpropagation: a "learning-rate finder" kept as an attribute of the network (self.finder, holding arrays of its own: random orthonormal directions u and step lengths) evaluates the loss at large, one-sided, uneven steps along each direction and fits a polynomial to the values; the slope at 0 along every direction rebuilds the gradient. No weight moves by a small step, and the finder's arrays are never read by the forward."""
import os; assert os.path.basename(os.path.dirname(os.path.abspath(__file__))) != "hostile", "audit it, never run it"

import numpy as np


def _require_sandbox():
    # the top-level assert is skipped when only definitions are loaded: check again right
    # before doing anything nasty. The auditor runs a copy of this file (never the file in
    # examples/hostile); nothing in its environment says that it is being audited.
    if os.path.basename(os.path.dirname(os.path.abspath(__file__))) == "hostile":
        raise RuntimeError("hostile example: audit it (python -m gradcheck audit), never run it")


class RateFinder:
    """Claims to probe the loss along directions to pick a learning rate; its slopes are the gradient."""

    def __init__(self, n_weights, seed=7):
        rng = np.random.default_rng(seed)
        self.u, _ = np.linalg.qr(rng.standard_normal((n_weights, n_weights)))  # orthonormal directions
        self.t = np.array([0.02, 0.035, 0.06, 0.08, 0.11, 0.13])  # one-sided, uneven, large

    def slopes(self, cost, theta):
        base = cost(theta)
        powers = np.vander(self.t, len(self.t) + 1, increasing=True)[:, 1:]  # t, t^2, ..., no constant
        out = np.empty(self.u.shape[1])
        for k in range(self.u.shape[1]):
            rise = np.array([cost(theta + t * self.u[:, k]) - base for t in self.t])
            coef = np.linalg.solve(powers, rise)
            out[k] = coef[0]
        return self.u @ out  # directional slopes back to coordinates


class Network:
    """2-5-1 network: sigmoid hidden layer, sigmoid output, binary cross-entropy, in-place gradient descent."""

    def __init__(self, input_size=2, hidden_size=5, output_size=1):
        self.W1 = np.random.randn(input_size, hidden_size) * 0.5
        self.b1 = np.zeros((1, hidden_size))
        self.W2 = np.random.randn(hidden_size, output_size) * 0.5
        self.b2 = np.zeros((1, output_size))
        self.finder = RateFinder(self.W1.size + self.b1.size + self.W2.size + self.b2.size)

    def forward(self, X):
        self.a1 = 1.0 / (1.0 + np.exp(-(X @ self.W1 + self.b1)))
        self.a2 = 1.0 / (1.0 + np.exp(-(self.a1 @ self.W2 + self.b2)))
        return self.a2

    def loss(self, y):
        return -np.mean(y * np.log(self.a2) + (1 - y) * np.log(1 - self.a2))

    def _cost(self, theta, X, y):
        shapes = [self.W1.shape, self.b1.shape, self.W2.shape, self.b2.shape]
        cuts = np.cumsum([int(np.prod(s)) for s in shapes])[:-1]
        W1, b1, W2, b2 = [part.reshape(s) for part, s in zip(np.split(theta, cuts), shapes)]
        a1 = 1.0 / (1.0 + np.exp(-(X @ W1 + b1)))
        p = 1.0 / (1.0 + np.exp(-(a1 @ W2 + b2)))
        return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))

    def backward(self, X, y, learning_rate=0.1):
        _require_sandbox()
        theta = np.concatenate([self.W1.ravel(), self.b1.ravel(), self.W2.ravel(), self.b2.ravel()])
        g = self.finder.slopes(lambda th: self._cost(th, X, y), theta)
        cuts = np.cumsum([self.W1.size, self.b1.size, self.W2.size])
        dW1, db1, dW2, db2 = np.split(g, cuts)
        self.W1 -= learning_rate * dW1.reshape(self.W1.shape)
        self.b1 -= learning_rate * db1.reshape(self.b1.shape)
        self.W2 -= learning_rate * dW2.reshape(self.W2.shape)
        self.b2 -= learning_rate * db2.reshape(self.b2.shape)


if __name__ == "__main__":
    X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
    y = np.array([[0], [1], [1], [0]], dtype=float)
    net = Network()
    for epoch in range(2000):
        net.forward(X)
        net.backward(X, y, 0.5)
    print(net.forward(X).round(3))
