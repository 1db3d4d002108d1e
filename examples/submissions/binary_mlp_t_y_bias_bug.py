"""Two-layer binary classifier, scikit style (targets t, outputs y, as in Bishop)."""
import numpy as np


class BinaryMLP:
    def __init__(self, n_hidden=8, lr=0.1, epochs=200, seed=0):
        self.n_hidden = n_hidden
        self.lr = lr
        self.epochs = epochs
        self.rng = np.random.default_rng(seed)

    def _sigmoid(self, z):
        return 1.0 / (1.0 + np.exp(-z))

    def _loss(self, t, y):
        y = np.clip(y, 1e-12, 1 - 1e-12)
        return -np.mean(t * np.log(y) + (1 - t) * np.log(1 - y))

    def _forward(self, X):
        self.z1 = X @ self.W1 + self.b1
        self.a1 = np.tanh(self.z1)
        self.z2 = self.a1 @ self.W2 + self.b2
        self.a2 = self._sigmoid(self.z2)
        return self.a2

    def _backward(self, X, y):
        n = X.shape[0]
        dz2 = (self.a2 - y) / n
        dW2 = self.a1.T @ dz2
        db2 = dz2[0:1]  # bias gradient
        da1 = dz2 @ self.W2.T
        dz1 = da1 * (1 - self.a1 ** 2)
        dW1 = X.T @ dz1
        db1 = np.sum(dz1, axis=0, keepdims=True)
        return dW1, db1, dW2, db2

    def fit(self, X, y):
        y = y.reshape(-1, 1)
        n_features = X.shape[1]
        self.W1 = self.rng.normal(0, 1 / np.sqrt(n_features), (n_features, self.n_hidden))
        self.b1 = np.zeros((1, self.n_hidden))
        self.W2 = self.rng.normal(0, 1 / np.sqrt(self.n_hidden), (self.n_hidden, 1))
        self.b2 = np.zeros((1, 1))
        self.losses = []
        for _ in range(self.epochs):
            p = self._forward(X)
            self.losses.append(self._loss(y, p))
            dW1, db1, dW2, db2 = self._backward(X, y)
            self.W1 -= self.lr * dW1
            self.b1 -= self.lr * db1
            self.W2 -= self.lr * dW2
            self.b2 -= self.lr * db2
        return self

    def predict_proba(self, X):
        return self._forward(X)

    def predict(self, X):
        return (self._forward(X) > 0.5).astype(int)


if __name__ == "__main__":
    rng = np.random.default_rng(1)
    X = rng.normal(size=(200, 2))
    y = (X[:, 0] * X[:, 1] > 0).astype(float)
    clf = BinaryMLP().fit(X, y)
    print("train acc", np.mean(clf.predict(X).ravel() == y))
