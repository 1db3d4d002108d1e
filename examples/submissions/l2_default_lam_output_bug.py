# softmax classifier, one hidden ReLU layer, L2 weight decay (lam / 2m) on both weight matrices
import numpy as np


class SoftmaxMLP:
    def __init__(self, n_features=4, n_hidden=8, n_classes=3, lam=0.3, lr=0.5):
        rng = np.random.RandomState(11)
        self.W1 = rng.randn(n_features, n_hidden) * 0.5
        self.b1 = np.zeros((1, n_hidden))
        self.W2 = rng.randn(n_hidden, n_classes) * 0.5
        self.b2 = np.zeros((1, n_classes))
        self.lam = lam
        self.lr = lr

    def forward(self, X):
        self.Z1 = X @ self.W1 + self.b1
        self.A1 = np.maximum(self.Z1, 0)
        Z2 = self.A1 @ self.W2 + self.b2
        Z2 = Z2 - Z2.max(axis=1, keepdims=True)
        e = np.exp(Z2)
        self.P = e / e.sum(axis=1, keepdims=True)
        return self.P

    def cost(self, X, y):
        m = X.shape[0]
        P = self.forward(X)
        data = -np.mean(np.log(P[np.arange(m), y]))
        return data + self.lam / (2 * m) * (np.sum(self.W1**2) + np.sum(self.W2**2))

    def grads(self, X, y):
        m = X.shape[0]
        P = self.forward(X)
        dZ2 = P.copy()
        dZ2[np.arange(m), y] -= 1
        dZ2 /= m
        dW2 = self.A1.T @ dZ2
        db2 = dZ2.sum(axis=0, keepdims=True)
        dZ1 = (dZ2 @ self.W2.T) * (self.Z1 > 0)
        dW1 = X.T @ dZ1 + self.lam / m * self.W1
        db1 = dZ1.sum(axis=0, keepdims=True)
        return {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}


if __name__ == "__main__":
    rng = np.random.RandomState(0)
    X = rng.randn(60, 4)
    y = (X[:, 0] > 0).astype(int) + (X[:, 1] > 1).astype(int)
    clf = SoftmaxMLP()
    for it in range(200):
        g = clf.grads(X, y)
        for k in g:
            setattr(clf, k, getattr(clf, k) - clf.lr * g[k])
    print("cost:", clf.cost(X, y))
