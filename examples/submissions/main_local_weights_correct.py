"""Assignment 2: XOR-like blobs with a 2-8-1 tanh/sigmoid network, everything inside main()."""

import numpy as np


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def make_blobs(n, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 2))
    y = ((X[:, 0] * X[:, 1]) > 0).astype(float).reshape(-1, 1)
    return X, y


def main(epochs=1000, alpha=0.5):
    X, y = make_blobs(60)
    n = X.shape[0]
    W1 = np.random.randn(2, 8) * 0.5
    b1 = np.zeros((1, 8))
    W2 = np.random.randn(8, 1) * 0.5
    b2 = np.zeros((1, 1))
    for epoch in range(epochs):
        A1 = np.tanh(X @ W1 + b1)
        A2 = sigmoid(A1 @ W2 + b2)
        cost = -np.mean(y * np.log(A2) + (1 - y) * np.log(1 - A2))
        dZ2 = (A2 - y) / n
        dW2 = A1.T @ dZ2
        db2 = np.sum(dZ2, axis=0, keepdims=True)
        dZ1 = (dZ2 @ W2.T) * (1 - A1**2)
        dW1 = X.T @ dZ1
        db1 = np.sum(dZ1, axis=0, keepdims=True)
        W1 -= alpha * dW1
        b1 -= alpha * db1
        W2 -= alpha * dW2
        b2 -= alpha * db2
        if epoch % 200 == 0:
            print(f"epoch {epoch}: cost {cost:.4f}")
    accuracy = np.mean((A2 > 0.5) == y)
    print("training accuracy", accuracy)


if __name__ == "__main__":
    np.random.seed(0)
    main()
