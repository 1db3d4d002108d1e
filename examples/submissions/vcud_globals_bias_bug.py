"""Module-level weights with one-letter names from a numpy Generator: h = tanh(X @ V + c), out = h @ U + d; mean squared error."""
import numpy as np

rng = np.random.default_rng(0)
V = rng.normal(0, 0.5, (2, 6))
c = np.zeros(6)
U = rng.normal(0, 0.5, (6, 1))
d = np.zeros(1)


def forward(X):
    h = np.tanh(X @ V + c)
    out = h @ U + d
    return h, out


def loss(out, y):
    return np.mean((out - y) ** 2)


def gradients(X, y, h, out):
    n = X.shape[0]
    g_out = 2 * (out - y) / n
    gU = h.T @ g_out
    gd = g_out.sum(axis=0)
    g_h = g_out @ U.T * (1 - h ** 2)
    gV = X.T @ g_h
    gc = g_h.sum(axis=0) / n
    return gV, gc, gU, gd


if __name__ == "__main__":
    X = rng.normal(size=(64, 2))
    y = np.sin(X[:, :1])
    eta = 0.05
    for step in range(500):
        h, out = forward(X)
        gV, gc, gU, gd = gradients(X, y, h, out)
        V -= eta * gV
        c -= eta * gc
        U -= eta * gU
        d -= eta * gd
    print(loss(forward(X)[1], y))
