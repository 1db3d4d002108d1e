"""Binary classifier trained in one method: forward, backward and update inline.

Hidden layer: ReLU with inverted dropout (keep_prob), masks from a seeded generator so runs
repeat. Loss: mean binary cross-entropy plus lam / (2 m) times the squared weights.
"""
import numpy as np


class DropoutClassifier:
    def __init__(self, n_in, n_hidden, keep_prob=0.8, lam=0.1, seed=0):
        rng = np.random.default_rng(seed)
        self.W1 = rng.normal(0, np.sqrt(2 / n_in), (n_in, n_hidden))
        self.b1 = np.zeros((1, n_hidden))
        self.W2 = rng.normal(0, np.sqrt(1 / n_hidden), (n_hidden, 1))
        self.b2 = np.zeros((1, 1))
        self.keep_prob = keep_prob
        self.lam = lam
        self.seed = seed

    def predict_proba(self, X):
        a1 = np.maximum(X @ self.W1 + self.b1, 0)
        return 1 / (1 + np.exp(-(a1 @ self.W2 + self.b2)))

    def train(self, X, y, epochs=100, lr=0.1):
        m = X.shape[0]
        rng = np.random.default_rng(self.seed + 1)
        for epoch in range(epochs):
            z1 = X @ self.W1 + self.b1
            a1 = np.maximum(z1, 0)
            mask = (rng.random(a1.shape) < self.keep_prob) / self.keep_prob
            a1 = a1 * mask
            p = 1 / (1 + np.exp(-(a1 @ self.W2 + self.b2)))
            cost = -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))
            cost += self.lam / (2 * m) * (np.sum(self.W1**2) + np.sum(self.W2**2))

            dz2 = (p - y) / m
            dW2 = a1.T @ dz2 + self.lam / m * self.W2
            db2 = np.sum(dz2, axis=0, keepdims=True)
            da1 = dz2 @ self.W2.T * mask
            dz1 = da1 * (z1 > 0)
            dW1 = X.T @ dz1 + self.lam / m * self.W1
            db1 = np.sum(dz1, axis=0, keepdims=True)

            self.W1 -= lr * dW1
            self.b1 -= lr * db1
            self.W2 -= lr * dW2
            self.b2 -= lr * db2
            if epoch % 50 == 0:
                print(f"epoch {epoch}: cost {cost:.4f}")


if __name__ == "__main__":
    gen = np.random.default_rng(3)
    X = gen.normal(size=(200, 4))
    y = ((X[:, 0] + X[:, 1] * X[:, 2]) > 0).astype(float).reshape(-1, 1)
    clf = DropoutClassifier(4, 16)
    clf.train(X, y, epochs=300, lr=0.2)
    print("accuracy", np.mean((clf.predict_proba(X) > 0.5) == y))
