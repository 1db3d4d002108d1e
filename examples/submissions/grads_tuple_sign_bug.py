"""Bug: output error computed as (y - yhat) and never compensated, so every returned gradient has the wrong sign (expected: sign_flip)."""
import numpy as np


class MLP:
    """3 inputs -> 5 tanh hidden -> 1 sigmoid output, mean squared error."""

    def __init__(self, n_in=3, n_hidden=5, n_out=1, seed=None):
        if seed is not None:
            np.random.seed(seed)
        self.W1 = np.random.normal(0, 0.5, size=(n_in, n_hidden))
        self.b1 = np.zeros(n_hidden)
        self.W2 = np.random.normal(0, 0.5, size=(n_hidden, n_out))
        self.b2 = np.zeros(n_out)

    @staticmethod
    def sigmoid(z):
        return 1.0 / (1.0 + np.exp(-z))

    def forward(self, X):
        self.X = X
        self.h = np.tanh(X.dot(self.W1) + self.b1)
        self.out = self.sigmoid(self.h.dot(self.W2) + self.b2)
        return self.out

    def loss(self, y):
        return np.mean((self.out - y) ** 2)

    def backward(self, X, y):
        """Returns (dW1, db1, dW2, db2)."""
        N = X.shape[0]
        error = y - self.out                      # how far off we are
        d_out = 2 * error / N * self.out * (1 - self.out)
        dW2 = self.h.T.dot(d_out)
        db2 = d_out.sum(axis=0)
        d_h = d_out.dot(self.W2.T) * (1 - self.h ** 2)
        dW1 = X.T.dot(d_h)
        db1 = d_h.sum(axis=0)
        return dW1, db1, dW2, db2

    def update(self, grads, lr):
        dW1, db1, dW2, db2 = grads
        self.W1 -= lr * dW1
        self.b1 -= lr * db1
        self.W2 -= lr * dW2
        self.b2 -= lr * db2


if __name__ == "__main__":
    rng = np.random.RandomState(3)
    X = rng.randn(64, 3)
    y = (X[:, :1] * X[:, 1:2] > 0).astype(float)
    net = MLP(seed=3)
    for epoch in range(10000):
        net.forward(X)
        grads = net.backward(X, y)
        net.update(grads, lr=0.5)
        if epoch % 1000 == 0:
            print("epoch", epoch, "mse", net.loss(y))   # goes UP... why??
