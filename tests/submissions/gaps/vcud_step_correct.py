"""Single-letter weights updated in place by a step function: V, c, U, d; sigmoid output, BCE."""
import numpy as np

np.random.seed(2)
V = np.random.randn(3, 5) * 0.5
c = np.zeros(5)
U = np.random.randn(5, 1) * 0.5
d = np.zeros(1)


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def predict(X):
    h = np.tanh(X @ V + c)
    return sigmoid(h @ U + d)


def bce(p, y):
    return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))


def step(X, y, lr=0.1):
    global V, c, U, d
    h = np.tanh(X @ V + c)
    p = sigmoid(h @ U + d)
    e = (p - y) / len(X)
    eh = (e @ U.T) * (1 - h * h)
    U = U - lr * h.T @ e
    d = d - lr * e.sum(axis=0)
    V = V - lr * X.T @ eh
    c = c - lr * eh.sum(axis=0)
    return bce(p, y)


if __name__ == "__main__":
    X = np.random.randn(100, 3)
    y = (X[:, :1] > 0).astype(float)
    for i in range(300):
        print(step(X, y))
